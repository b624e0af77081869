// The cold start's cost between two jobs, as the jobs see it: one generic worker (whole worker,
// PostgreSQL) drains N jobs of W ms at concurrency 1, and each job stamps, in its own process, when
// its main began and ended (wall clock, sub-millisecond). The gap from one job's end to the next
// one's start is what a cold start adds to a job; the overhead per job is the steady-state time
// per job minus W (it also holds the job's own timer overshoot, ~1 ms).
//
//   node bench/cold-gap.mjs [--jobs 40] [--work 100] [--rounds 5] [--base <built tree>]
//
// With --base, rounds alternate between that tree's packages and this tree's (A B A B …), so a
// shared machine's load falls on both alike; the table shows medians and min–max over the rounds.
import { fork, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './lib/database.mjs';
import { formatSpread, percentile, round, spread } from './lib/stats.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    jobs: { type: 'string', default: '40' },
    work: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    base: { type: 'string' },
    // internal: one measurement with the packages of this tree, printed as JSON
    tree: { type: 'string' },
    // internal: the echo end of the IPC round trip
    echo: { type: 'boolean', default: false },
  },
});
const jobs = Number(flags.jobs);
const workMs = Number(flags.work);
if (!(jobs >= 3) || !(workMs >= 0)) {
  console.error('usage: node bench/cold-gap.mjs [--jobs N≥3] [--work ms] [--rounds N] [--base <built tree>]');
  process.exit(2);
}

if (flags.echo) {
  process.on('message', (m) => process.send(m));
} else if (flags.tree) {
  console.log(JSON.stringify(await measure(resolve(flags.tree))));
} else {
  const trees = [
    ...(flags.base ? [{ label: 'base', dir: resolve(flags.base) }] : []),
    { label: 'this', dir: here },
  ];
  const results = Object.fromEntries(trees.map((t) => [t.label, []]));
  const loads = [];
  for (let round = 1; round <= Number(flags.rounds); round++) {
    for (const tree of trees) {
      loads.push(loadavg()[0]);
      const run = spawnSync(
        process.execPath,
        [
          fileURLToPath(import.meta.url),
          '--tree',
          tree.dir,
          '--jobs',
          String(jobs),
          '--work',
          String(workMs),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (run.status !== 0) throw new Error(`cold-gap failed with ${tree.dir} (exit ${run.status})`);
      const got = JSON.parse(run.stdout.trim().split('\n').at(-1));
      results[tree.label].push(got);
      console.log(`round ${round} ${tree.label}: ${JSON.stringify(got)}`);
    }
  }
  const cell = (label, key) => spread(results[label].map((r) => r[key]));
  const header = trees.map((t) => (t.label === 'base' ? `base (${flags.base})` : 'this tree'));
  const lines = [
    `| ${workMs} ms jobs, c=1, ${jobs} jobs | ${header.join(' | ')} |${flags.base ? ' this / base |' : ''}`,
    `|---|${trees.map(() => '---:|').join('')}${flags.base ? '---:|' : ''}`,
  ];
  for (const [key, label] of [
    ['overheadMs', 'overhead per job, ms'],
    ['gapP50Ms', 'gap end → next start p50, ms'],
    ['gapP90Ms', 'gap p90, ms'],
    ['gapMeanMs', 'gap mean, ms'],
  ]) {
    const cells = trees.map((t) => cell(t.label, key));
    const ratio = flags.base ? ` ${(cells[1].median / cells[0].median).toFixed(2)}× |` : '';
    lines.push(`| ${label} | ${cells.map(formatSpread).join(' | ')} |${ratio}`);
  }
  console.log(
    `\n${flags.rounds} rounds${flags.base ? ', interleaved' : ''}; load average (1 min) at each run: ${loads.map((l) => l.toFixed(1)).join(', ')}\n`,
  );
  const ipc = await ipcRoundTrip(Math.min(workMs, 100));
  lines.push(
    `| ipc round trip after ${Math.min(workMs, 100)} ms idle, p50 (p90), ms | ${ipc.p50} (${ipc.p90}) |`,
  );
  console.log(lines.join('\n'));
}

/** The floor of a job boundary: one message to an idle node process and its echo back. */
async function ipcRoundTrip(idleMs) {
  const child = fork(fileURLToPath(import.meta.url), ['--echo']);
  const times = [];
  for (let i = 0; i < 41; i++) {
    await new Promise((r) => setTimeout(r, idleMs));
    const sent = performance.now();
    child.send(i);
    await new Promise((r) => child.once('message', r));
    if (i > 0) times.push(performance.now() - sent); // the first one also waits for the child's boot
  }
  child.disconnect();
  return { p50: round(percentile(times, 50), 2), p90: round(percentile(times, 90), 2) };
}

/** One drain with the built packages of `tree`. */
async function measure(tree) {
  const load = (pkg) => import(pathToFileURL(join(tree, 'packages', pkg, 'dist', 'index.js')).href);
  const [{ openDb }, { Queue }, { Settings }, { startWorker }] = await Promise.all(
    ['db', 'queue', 'settings', 'worker'].map(load),
  );
  const database = await createBenchDatabase('gap');
  const db = await openDb({ url: database.url, poolSize: 4 });
  let worker;
  try {
    const settings = new Settings(db);
    const path = 'f/bench/gap';
    const stamp = 'performance.timeOrigin + performance.now()';
    await settings.deployScript({
      path,
      language: 'javascript',
      content: `export async function main() { const s = ${stamp}; await new Promise((r) => setTimeout(r, ${workMs})); return { s, e: ${stamp} }; }`,
    });
    await settings.setWorkerGroup('bench', { tags: ['node'], concurrency: 1 });
    const queue = new Queue(db, { settings });
    await queue.pushMany(Array.from({ length: jobs }, (_, i) => ({ path, args: { i } })));
    worker = await startWorker({ db, queue, settings, group: 'bench', name: 'bench-cold-gap' });
    const deadline = Date.now() + 60_000 + jobs * (workMs + 1000);
    for (;;) {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM millrace.job_completed');
      if (rows[0].n >= jobs) break;
      if (Date.now() > deadline) throw new Error(`timed out: ${rows[0].n} of ${jobs} done`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { rows } = await db.query(
      `SELECT status, result FROM millrace.job_completed ORDER BY (result->>'s')::float8`,
    );
    const failed = rows.filter((r) => r.status !== 'success');
    if (failed.length > 0) throw new Error(`${failed.length} jobs failed: ${JSON.stringify(failed[0])}`);
    // the first job's own start-up (its script's first import) is not a gap between two jobs
    const gaps = rows.slice(2).map((r, k) => r.result.s - rows[k + 1].result.e);
    const steadyMs = (rows.at(-1).result.e - rows[1].result.s) / (rows.length - 1);
    return {
      overheadMs: round(steadyMs - workMs, 2),
      gapP50Ms: round(percentile(gaps, 50), 2),
      gapP90Ms: round(percentile(gaps, 90), 2),
      gapMeanMs: round(gaps.reduce((a, b) => a + b, 0) / gaps.length, 2),
    };
  } finally {
    await worker?.stop({ timeoutMs: 1000 }).catch(() => {});
    await db.close();
    await database.drop();
  }
}
