// Cold-start executor benchmark: one slot, jobs back to back, a fresh `node` process per job.
// Compares spawning each job's process when the job arrives (naive) with keeping 1 or 2 processes
// pre-started, and the executor's default (which adds spares while jobs find none booted), on
// 100 ms jobs and on no-op jobs. BENCH_MODES=default,naive picks modes by name prefix.
//
//   npm run build -w @millrace/worker && node bench/cold-start.mjs
//   MILLRACE_COLD_EXECUTOR=/path/to/built/index.js node bench/cold-start.mjs   (another build)
//   BENCH_JOBS=60 node bench/cold-start.mjs --json
import { pathToFileURL } from 'node:url';

const WINDMILL_JOBS_PER_MONTH = 26_000_000;
const SECONDS_PER_MONTH = 30 * 24 * 3600;
const JOB_MS = 100;
const jobs = Number(process.env.BENCH_JOBS ?? 40);
const warmup = 3;

const target = process.env.MILLRACE_COLD_EXECUTOR
  ? pathToFileURL(process.env.MILLRACE_COLD_EXECUTOR).href
  : new URL('../packages/worker/dist/index.js', import.meta.url).href;
const { createColdExecutor } = await import(target);

const scripts = {
  '100ms': `export async function main() { await new Promise((r) => setTimeout(r, ${JOB_MS})); return 1; }`,
  noop: 'export function main() { return 1; }',
};
const modes = [
  { name: 'default', options: {} },
  { name: 'naive spawn', options: { prestart: false } },
  { name: 'pre-started, 1 spare', options: { spares: 1 } },
  { name: 'pre-started, 2 spares', options: { spares: 2 } },
];

function jobOf(code, i) {
  return {
    id: `b${i}`,
    path: 'f/bench/job',
    hash: 'bench',
    language: 'javascript',
    code,
    args: {},
    attempt: 1,
    timeoutMs: 30_000,
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(options, code) {
  const executor = createColdExecutor({ concurrency: 1, ...options });
  const ctx = { onLog() {}, signal: new AbortController().signal, env: {} };
  try {
    for (let i = 0; i < warmup; i++) await executor.run(jobOf(code, i), ctx);
    const latencies = [];
    const started = performance.now();
    for (let i = 0; i < jobs; i++) {
      const t = performance.now();
      const outcome = await executor.run(jobOf(code, i), ctx);
      if (outcome.status !== 'success') throw new Error(`job failed: ${JSON.stringify(outcome)}`);
      latencies.push(performance.now() - t);
    }
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    return {
      jobsPerSec: (jobs / elapsed) * 1000,
      msPerJob: elapsed / jobs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    await executor.close();
  }
}

const picked = process.env.BENCH_MODES?.split(',');
const rows = [];
for (const mode of modes.filter((m) => !picked || picked.some((p) => m.name.startsWith(p)))) {
  const slow = await measure(mode.options, scripts['100ms']);
  const noop = await measure(mode.options, scripts.noop);
  const perMonth = slow.jobsPerSec * SECONDS_PER_MONTH;
  rows.push({
    mode: mode.name,
    '100ms jobs/s': +slow.jobsPerSec.toFixed(2),
    'overhead ms/job': +(slow.msPerJob - JOB_MS).toFixed(1),
    'p50 ms': +slow.p50.toFixed(1),
    'p99 ms': +slow.p99.toFixed(1),
    'jobs/month (M)': +(perMonth / 1e6).toFixed(1),
    'vs Windmill 26M': `${(perMonth / WINDMILL_JOBS_PER_MONTH).toFixed(2)}x`,
    'noop jobs/s': +noop.jobsPerSec.toFixed(2),
    'noop p50 ms': +noop.p50.toFixed(1),
  });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ node: process.version, jobs, jobMs: JOB_MS, rows }, null, 2));
} else {
  console.log(
    `cold-start executor, concurrency 1, ${jobs} jobs per scenario (+${warmup} warm-up), node ${process.version}`,
  );
  console.table(rows);
}
