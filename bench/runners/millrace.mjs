// Millrace's own runners for the bench: every job is a real durable job on real PostgreSQL, with
// its own completed row and result. A backlog of `jobs` is pushed first (not timed), then one
// worker drains it; the clock runs from the first job's start (its started_at, by the worker's
// clock) to the last completion written (its NOTIFY received here), so the worker's own start-up
// (spawning a thread or process runtime, registering) is not charged to the jobs — as with the
// peers, whose workers start before their clock. `fromWorkerStartJobsPerSec` includes it.
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { startWorker } from '@millrace/worker';
import { createBenchDatabase } from '../lib/database.mjs';
import { percentile, round } from '../lib/stats.mjs';

/** A job that waits `ms` on a timer, as deployed code and as an in-host handler. */
const sleeping = (ms) => ({
  code: `export async function main() { await new Promise((r) => setTimeout(r, ${ms})); return null; }`,
  handler: () => new Promise((r) => setTimeout(() => r(null), ms)),
});

/** The script each work kind runs, as deployed code and as an in-host handler. */
export const SCRIPTS = {
  noop: { code: 'export function main() { return null; }', handler: async () => null },
  cpu1ms: {
    code: 'export function main() { const end = performance.now() + 1; while (performance.now() < end); return null; }',
    handler: async () => {
      const end = performance.now() + 1;
      while (performance.now() < end);
      return null;
    },
  },
  // noop that returns when it started, on the open loop's clock (CLOCK_MONOTONIC, lib/arrivals.mjs):
  // the same instant for a handler, a thread or a process runtime, whichever process it runs in
  stampedNoop: {
    code: 'export function main() { return { startedAt: Number(process.hrtime.bigint()) / 1e6 }; }',
    handler: async () => ({ startedAt: Number(process.hrtime.bigint()) / 1e6 }),
  },
  sleep10ms: sleeping(10),
  sleep1s: sleeping(1000),
  sleep100ms: {
    code: 'export async function main() { await new Promise((r) => setTimeout(r, 100)); return null; }',
    handler: () => new Promise((r) => setTimeout(() => r(null), 100)),
  },
};

export const RUNNERS = ['handlers', 'thread', 'process', 'generic', 'generic-naive'];

export const PATH = 'f/bench/job';

export async function setUp(db, runner, work, concurrency) {
  const settings = new Settings(db);
  await settings.deployScript({ path: PATH, content: SCRIPTS[work].code, language: 'javascript' });
  const dedicated = runner === 'handlers' || runner === 'thread' || runner === 'process';
  if (dedicated) {
    await settings.setScriptSettings(PATH, { dedicated: true });
    await settings.setWorkerGroup('bench', { dedicatedWorker: PATH, concurrency });
  } else {
    await settings.setWorkerGroup('bench', { tags: ['node'], concurrency });
  }
  const queue = new Queue(db, { settings });
  const workerOptions = {
    db,
    queue,
    settings,
    group: 'bench',
    name: `bench-${runner}`,
    onError: (err) => console.error('[bench worker]', err.message),
    ...(runner === 'handlers' ? { handlers: { [PATH]: SCRIPTS[work].handler } } : {}),
    ...(runner === 'process' ? { runtime: 'process' } : {}),
    ...(runner === 'generic-naive' ? { spares: 0 } : {}),
  };
  return { settings, queue, workerOptions };
}

/** Counts finished jobs from the completion NOTIFYs (payload: comma-separated ids). */
async function completionCounter(db, target) {
  let done = 0;
  let resolve;
  const finished = new Promise((r) => {
    resolve = r;
  });
  const unlisten = await db.listen('millrace_done', (payload) => {
    done += payload.split(',').length;
    if (done >= target) resolve(performance.now());
  });
  return { finished, unlisten, count: () => done };
}

/**
 * Drains a backlog of `jobs` with one worker. Returns jobs/s and, from the completed rows,
 * the p50/p99 of run duration. Verifies every job completed with a success row.
 */
export async function drain({ runner, work = 'noop', jobs = 10_000, concurrency = 1, timeoutMs = 600_000 }) {
  const database = await createBenchDatabase('m');
  const db = await openDb({ url: database.url, poolSize: 4 });
  let worker;
  try {
    const { queue, workerOptions } = await setUp(db, runner, work, concurrency);
    for (let i = 0; i < jobs; i += 5000) {
      await queue.pushMany(
        Array.from({ length: Math.min(5000, jobs - i) }, (_, k) => ({ path: PATH, args: { i: i + k } })),
      );
    }
    const counter = await completionCounter(db, jobs);
    const started = performance.now();
    worker = await startWorker(workerOptions);
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`timed out: ${counter.count()} of ${jobs} done`)), timeoutMs).unref(),
    );
    const ended = await Promise.race([counter.finished, timeout]);
    await counter.unlisten();
    await worker.stop();
    worker = undefined;
    const { rows } = await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'success')::int AS ok,
              (extract(epoch FROM min(started_at)) * 1000)::float8 AS first_start FROM millrace.job_completed`,
    );
    if (rows[0].ok !== jobs)
      throw new Error(`expected ${jobs} successful completed rows, found ${rows[0].ok} of ${rows[0].n}`);
    const firstStart = rows[0].first_start - performance.timeOrigin; // on this process's performance clock
    const drainMs = firstStart > started && firstStart < ended ? ended - firstStart : ended - started;
    return {
      jobs,
      jobsPerSec: round((jobs / drainMs) * 1000, 3),
      fromWorkerStartJobsPerSec: round((jobs / (ended - started)) * 1000, 1),
    };
  } catch (err) {
    return { jobs, error: err.message };
  } finally {
    await worker?.stop({ timeoutMs: 1000 }).catch(() => {});
    await db.close();
    await database.drop();
  }
}

/**
 * Enqueue→start latency at low load: jobs pushed one at a time, each after the previous finished,
 * to an idle worker (woken by NOTIFY). Start is the worker's clock, enqueue the database's; both
 * run on this machine.
 */
export async function latency({ runner, samples = 200 }) {
  const database = await createBenchDatabase('l');
  const db = await openDb({ url: database.url, poolSize: 4 });
  let worker;
  try {
    const { queue, workerOptions } = await setUp(db, runner, 'noop', 1);
    worker = await startWorker(workerOptions);
    await queue.wait(await queue.push(PATH, {}), { timeoutMs: 30_000 }); // warm up the runtime
    const lat = [];
    for (let i = 0; i < samples; i++) {
      const job = await queue.wait(await queue.push(PATH, { i }), { timeoutMs: 30_000 });
      lat.push(job.startedAt.getTime() - job.createdAt.getTime());
    }
    return { p50LatencyMs: round(percentile(lat, 50), 1), p99LatencyMs: round(percentile(lat, 99), 1) };
  } catch (err) {
    return { error: err.message };
  } finally {
    await worker?.stop({ timeoutMs: 1000 }).catch(() => {});
    await db.close();
    await database.drop();
  }
}
