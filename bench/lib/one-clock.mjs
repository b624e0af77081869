// One driver, one clock for every system (Millrace's runners, the peers, the for-loop). A system is
// `prepare(options) → { enqueue(payloads), start(), doneCount(), teardown(), ... }` (bench/systems/*).
// The backlog run is timed by this process's performance clock.
//
// Backlog (closed) run: N jobs enqueued first, untimed; the clock starts when the worker is asked to
// start and stops at the first poll of the system's own store that counts N jobs durably done.
// Worker start-up (start() call → resolved) is reported in its own column.
//
// The open-loop run (fixed arrival rate, per-job latency) is lib/open-loop.mjs.
import { round } from './stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const ENQUEUE_CHUNK = 1000;

/**
 * Waits until `doneCount()` reaches `target` and returns when the count query that saw it was sent
 * (the store's snapshot is taken after that, so every job was done by then; the previous query saw
 * fewer). Polls every 1 % of the elapsed time, down to every 2 ms as the count nears the target
 * (half the time the rate so far says is left), at most every 100 ms: the end is precise without
 * querying the store all through the drain.
 */
export async function waitForDone(system, target, since, timeoutMs) {
  for (;;) {
    const asked = performance.now();
    const n = await system.doneCount();
    if (n >= target) return asked;
    const elapsed = performance.now() - since;
    if (elapsed > timeoutMs) throw new Error(`timed out: ${n} of ${target} done`);
    const left = n > 0 ? ((target - n) * elapsed) / n : Number.POSITIVE_INFINITY;
    await sleep(Math.min(100, Math.max(2, Math.min(elapsed / 100, left / 2))));
  }
}

/** One backlog run: `{ jobs, jobsPerSec, startupMs, drainJobsPerSec }` or `{ error }`; never throws. */
export async function backlogRun(prepare, { jobs, work, concurrency, runner, timeoutMs }) {
  let system;
  try {
    system = await prepare({ runner, work, concurrency });
    for (let i = 0; i < jobs; i += ENQUEUE_CHUNK)
      await system.enqueue(
        Array.from({ length: Math.min(ENQUEUE_CHUNK, jobs - i) }, (_, k) => ({ i: i + k, t: 0 })),
      );
    const t0 = performance.now();
    await system.start();
    const ready = performance.now();
    const end = await waitForDone(system, jobs, t0, timeoutMs);
    return {
      jobs,
      jobsPerSec: round((jobs / (end - t0)) * 1000, 3),
      startupMs: round(ready - t0, 1),
      drainJobsPerSec: round((jobs / (end - ready)) * 1000, 3),
    };
  } catch (err) {
    return { jobs, error: err?.message ?? String(err) };
  } finally {
    await system?.teardown().catch(() => {});
  }
}
