// Micro-benchmarks (tinybench) of the pieces of the hot path, each alone:
//   claim statement     Queue.claim of 1 and of 100 jobs from a standing backlog;
//   completion batch    Queue.complete of 100 claimed jobs in one statement;
//   cold process start  a fresh `node` per job (naive spawn), no-op script;
//   warm thread call    one call into a warm thread runtime, no-op script.
// Backlog refills and claims feeding the completion batch happen in beforeEach hooks (untimed).
//
//   node bench/micro.mjs [--quick]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '@millrace/db';
import { openRunner } from '@millrace/dedicated-runner';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { createColdExecutor } from '@millrace/worker';
import { Bench } from 'tinybench';
import { createBenchDatabase } from './lib/database.mjs';
import { round } from './lib/stats.mjs';

const SCRIPT = 'f/bench/micro';
const NOOP = 'export function main() { return null; }';
const TAGS = ['node'];
const WORKER = 'bench-micro';

/** Per-task options: `time` in ms (tinybench keeps iterating until both time and iterations are spent). */
const OPTIONS = { full: { time: 1000, iterations: 20 }, quick: { time: 200, iterations: 5 } };

async function openQueue(url) {
  const db = await openDb({ url, poolSize: 2 });
  const settings = new Settings(db);
  await settings.deployScript({ path: SCRIPT, content: NOOP, language: 'javascript' });
  const queue = new Queue(db, { settings });
  const claimed = [];
  let waiting = 0; // pushed and not yet claimed: counted here, so a refill costs no query
  const refill = async (min) => {
    if (waiting >= min) return;
    await queue.pushMany(Array.from({ length: 5000 }, (_, i) => ({ path: SCRIPT, args: { i } })));
    waiting += 5000;
  };
  const claim = async (n) => {
    const jobs = await queue.claim(WORKER, TAGS, n);
    waiting -= jobs.length;
    claimed.push(...jobs);
  };
  return {
    db,
    queue,
    refill,
    claim,
    claimed,
    /** Ensures `n` claimed, uncompleted jobs are waiting for the completion task. */
    async haveClaimed(n) {
      while (claimed.length < n) {
        await refill(n);
        await claim(n - claimed.length);
      }
    },
  };
}

/** Jobs one iteration handles, to show a batch's cost per job. */
const JOBS_PER_OP = { 'claim statement (100 jobs)': 100, 'completion batch (100 jobs)': 100 };

const completion = (job) => ({ id: job.id, token: job.token, status: 'success', result: null });

function coldJob(i) {
  return {
    id: `m${i}`,
    path: SCRIPT,
    hash: 'micro',
    language: 'javascript',
    code: NOOP,
    args: {},
    attempt: 1,
    timeoutMs: 30_000,
  };
}

/** Runs the micro-benchmarks; returns rows `{ name, opsPerSec, jobsPerSec, meanMs, p50Ms, p99Ms, samples }` or `{ name, error }`. */
export async function runMicro({ quick = false, log = console.log } = {}) {
  const database = await createBenchDatabase('u');
  const q = await openQueue(database.url);
  const cold = createColdExecutor({ concurrency: 1, prestart: false });
  const runner = await openRunner({ content: NOOP });
  const ctx = { onLog() {}, signal: new AbortController().signal, env: {} };
  let coldN = 0;
  try {
    const bench = new Bench({ ...(quick ? OPTIONS.quick : OPTIONS.full), warmupIterations: 3 });
    bench.add(
      'claim statement (1 job)',
      async () => {
        await q.claim(1);
      },
      { beforeEach: () => q.refill(1) },
    );
    bench.add(
      'claim statement (100 jobs)',
      async () => {
        await q.claim(100);
      },
      { beforeEach: () => q.refill(100) },
    );
    bench.add(
      'completion batch (100 jobs)',
      async () => {
        await q.queue.complete(q.claimed.splice(0, 100).map(completion));
      },
      { beforeEach: () => q.haveClaimed(100) },
    );
    bench.add('cold process start (noop job)', async () => {
      const outcome = await cold.run(coldJob(coldN++), ctx);
      if (outcome.status !== 'success') throw new Error(`cold job failed: ${JSON.stringify(outcome)}`);
    });
    bench.add('warm thread call (noop)', async () => {
      await runner.run({});
    });
    log('micro: running tinybench tasks …');
    await bench.run();
    if (log === console.log) console.table(bench.table());
    return bench.tasks.map((task) => {
      const r = task.result;
      if (!r || !('latency' in r))
        return { name: task.name, error: r?.error?.message ?? r?.state ?? 'no result' };
      return {
        name: task.name,
        opsPerSec: round(1000 / r.latency.mean, 1),
        jobsPerSec: round((1000 / r.latency.mean) * (JOBS_PER_OP[task.name] ?? 1)),
        meanMs: round(r.latency.mean, 3),
        p50Ms: round(r.latency.p50, 3),
        p99Ms: round(r.latency.p99, 3),
        samples: r.latency.samplesCount,
      };
    });
  } catch (err) {
    return [{ name: 'micro', error: err.message }];
  } finally {
    await runner.close().catch(() => {});
    await cold.close().catch(() => {});
    await q.db.close().catch(() => {});
    await database.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const rows = await runMicro({ quick: values.quick, log: () => {} });
  console.table(rows);
}
