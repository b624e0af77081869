// The moving parts of bench/history.mjs: a backlog drained by one dedicated worker, and a probe
// that runs the hot path (push, claim, complete one job) over and over and keeps the slowest calls.
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { startWorker } from '@millrace/worker';
import { percentile, round } from './stats.mjs';

export const PATH = 'f/bench/job';
const handlers = { [PATH]: async () => null };
let runs = 0;

/**
 * Pushes `jobs` jobs of the dedicated script, then drains them with one worker of `runner`
 * ('handlers' or 'thread'). `started` resolves once the worker runs; `done` with jobs/s from the
 * first job's start to the last completion (its NOTIFY), as bench/runners/millrace.mjs measures.
 */
export function drainWith(system, { runner, jobs }) {
  const { db, queue, settings } = system;
  let markStarted;
  const started = new Promise((resolve) => {
    markStarted = resolve;
  });
  const done = (async () => {
    const group = `bench-${runner}`;
    await settings.setWorkerGroup(group, { dedicatedWorker: PATH, concurrency: 1 });
    const ids = new Set();
    for (let i = 0; i < jobs; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, jobs - i) }, (_, k) => ({
        path: PATH,
        args: { i: i + k },
      }));
      for (const id of await queue.pushMany(batch)) ids.add(id);
    }
    const pushed = [...ids];
    let left = jobs;
    let finished;
    const allDone = new Promise((resolve) => {
      finished = resolve;
    });
    const unlisten = await db.listen('millrace_done', (payload) => {
      for (const id of payload.split(',')) if (ids.delete(id)) left--;
      if (left === 0) finished(performance.now());
    });
    const t0 = performance.now();
    const worker = await startWorker({
      db,
      queue,
      settings,
      group,
      name: `bench-history-${runner}-${++runs}`,
      maintainHistory: false,
      onError: (err) => console.error('[bench worker]', err.message),
      ...(runner === 'handlers' ? { handlers } : { runtime: 'thread' }),
    });
    markStarted();
    const timeout = setTimeout(() => finished(null), 600_000);
    const ended = await allDone;
    clearTimeout(timeout);
    await unlisten();
    await worker.stop();
    if (ended === null) throw new Error(`drain timed out with ${left} of ${jobs} jobs left`);
    const { rows } = await db.query(
      `SELECT date_part('epoch', min(c.started_at)) * 1000 AS first_ms FROM millrace.job_completed c
       WHERE c.id BETWEEN $1::bigint AND $2::bigint`,
      [pushed[0], pushed.at(-1)],
    );
    const firstStart = rows[0]?.first_ms == null ? null : rows[0].first_ms - performance.timeOrigin;
    const from = firstStart != null && firstStart > t0 && firstStart < ended ? firstStart : t0;
    return { jobsPerSec: round((jobs / (ended - from)) * 1000) };
  })();
  return { started, done };
}

/** Runs push → claim → complete of one job in a loop on its own connection until `stop()`. */
export function probeHotPath(system) {
  let stopping = false;
  const claims = [];
  const pushes = [];
  const completes = [];
  const loop = (async () => {
    const db = await openDb({ url: system.url, poolSize: 1, migrate: false });
    const queue = new Queue(db);
    try {
      while (!stopping) {
        let t = performance.now();
        await queue.push(PATH, {}, { tag: 'probe' });
        pushes.push(performance.now() - t);
        t = performance.now();
        const [job] = await queue.claim('probe', ['probe'], 1);
        claims.push(performance.now() - t);
        t = performance.now();
        await queue.complete([{ id: job.id, token: job.token, status: 'success', result: null }]);
        completes.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    } finally {
      await db.close();
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return {
        probes: claims.length,
        maxClaimMs: round(Math.max(...claims), 1),
        p99ClaimMs: round(percentile(claims, 99), 1),
        maxPushMs: round(Math.max(...pushes), 1),
        maxCompleteMs: round(Math.max(...completes), 1),
      };
    },
  };
}

/**
 * Samples this database's lock waits every few ms on its own connection until `stop()`: the longest
 * wait seen, and the longest of a claim (millrace.claim_jobs), a completion or a push. CPU time a
 * loaded machine takes from a statement is not a lock wait: this sees only what blocking costs.
 */
export function watchLockWaits(url) {
  let stopping = false;
  const longest = { any: 0, claim: 0, complete: 0, push: 0 };
  let longestQuery = null;
  let samples = 0;
  const loop = (async () => {
    const db = await openDb({ url, poolSize: 1, migrate: false });
    try {
      while (!stopping) {
        const { rows } = await db.query(`
          SELECT date_part('epoch', clock_timestamp() - l.waitstart) * 1000 AS ms, a.query
          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE NOT l.granted AND a.datname = current_database() AND l.waitstart IS NOT NULL`);
        samples++;
        for (const r of rows) {
          // pg_stat_activity keeps the first 1 kB of a statement: matched on how each one begins
          const kind = /claim_jobs/.test(r.query)
            ? 'claim'
            : /unnest\(\$1::bigint\[\], \$2::bigint\[\], \$3::text\[\]/.test(r.query)
              ? 'complete'
              : /INSERT INTO millrace.jobs /.test(r.query)
                ? 'push'
                : null;
          if (r.ms > longest.any) longestQuery = r.query.replace(/\s+/g, ' ').trim().slice(0, 80);
          longest.any = Math.max(longest.any, r.ms);
          if (kind) longest[kind] = Math.max(longest[kind], r.ms);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await db.close();
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return {
        samples,
        longestLockWaitMs: round(longest.any, 1),
        claimLockWaitMs: round(longest.claim, 1),
        completeLockWaitMs: round(longest.complete, 1),
        pushLockWaitMs: round(longest.push, 1),
        longestLockWaitQuery: longestQuery,
      };
    },
  };
}
