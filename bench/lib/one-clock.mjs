// One driver, one clock for every system (Millrace's runners, the peers, the for-loop). A system is
// `prepare(options) → { enqueue(payloads), push(payload), start(), doneCount(), teardown(), jobTimes?() }`
// (bench/systems/*). Everything is timed by this process's performance clock.
//
// Backlog (closed) run: N jobs enqueued first, untimed; the clock starts when the worker is asked to
// start and stops at the first poll of the system's own store that counts N jobs durably done.
// Worker start-up (start() call → resolved) is reported in its own column.
//
// Open-loop run: jobs pushed one by one at a fixed arrival rate; after a warm-up, the jobs pushed in
// a fixed window are measured: push call → start and push call → done, on the client's clock.
import { percentile, round } from './stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock ms with sub-ms precision (comparable with timestamps the database or worker write). */
export const wallNow = () => performance.timeOrigin + performance.now();

export const ENQUEUE_CHUNK = 1000;

/**
 * Waits until `doneCount()` reaches `target` and returns when the count query that saw it was sent
 * (the store's snapshot is taken after that, so every job was done by then; the previous query saw
 * fewer). Polls every 1 % of the elapsed time, down to every 2 ms as the count nears the target
 * (half the time the rate so far says is left), at most every 100 ms: the end is precise without
 * querying the store all through the drain.
 */
async function waitForDone(system, target, since, timeoutMs) {
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

const pct = (values) =>
  values.length === 0
    ? { p50: null, p95: null, p99: null, max: null }
    : {
        p50: round(percentile(values, 50), 2),
        p95: round(percentile(values, 95), 2),
        p99: round(percentile(values, 99), 2),
        max: round(
          values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
          2,
        ),
      };

/**
 * One open-loop run at `rate` jobs/s: pushes for `warmupMs + windowMs` (at most `maxInFlight`
 * pushes outstanding: a producer with a pool), then waits for every pushed job. Reports achieved
 * throughput (window jobs done per window second) and enqueue→start / enqueue→done percentiles
 * over the window's jobs. Never throws.
 */
export async function openLoopRun(
  prepare,
  { rate, warmupMs, windowMs, work, concurrency, runner, maxInFlight = 64, drainTimeoutMs = 30_000 },
) {
  const times = new Map(); // i → { pushed, started, done } (wall ms)
  const onStart = (p) => {
    const t = times.get(p.i);
    if (t) t.started = wallNow();
  };
  const onEnd = (p) => {
    const t = times.get(p.i);
    if (t) t.done = wallNow();
  };
  let system;
  try {
    system = await prepare({ runner, work, concurrency, onStart, onEnd });
    await system.start();
    const ids = new Map(); // push id → i (systems that report times by their own ids)
    const t0 = performance.now();
    const wall0 = wallNow();
    const total = Math.round(((warmupMs + windowMs) / 1000) * rate);
    let pushed = 0;
    let inFlight = 0;
    let skipped = 0;
    const pending = new Set();
    while (pushed < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      while (pushed < due) {
        if (inFlight >= maxInFlight) {
          skipped++; // the producer is behind (its pool is full): the next arrivals go out late
          break;
        }
        const i = pushed++;
        // Latency counts from the job's scheduled arrival, not from when a busy producer got to it
        // (no coordinated omission): a system that slows its producer down pays for it here.
        const offsetMs = (i / rate) * 1000;
        const entry = { pushed: wall0 + offsetMs, offsetMs };
        times.set(i, entry);
        inFlight++;
        const p = system
          .push({ i, t: entry.pushed })
          .then((id) => {
            if (id != null) ids.set(String(id), i);
          })
          .finally(() => {
            inFlight--;
            pending.delete(p);
          });
        pending.add(p);
      }
      await sleep(1);
    }
    await Promise.all(pending);
    await waitForDone(system, total, performance.now(), drainTimeoutMs).catch(() => {});
    if (system.jobTimes) {
      for (const row of await system.jobTimes()) {
        const t = times.get(ids.get(row.id));
        if (t) Object.assign(t, { started: row.started, done: row.done });
      }
    }
    const window = [...times.values()].filter(
      (t) => t.offsetMs >= warmupMs && t.offsetMs < warmupMs + windowMs,
    );
    const first = wall0 + warmupMs;
    const doneInWindow = window.filter((t) => t.done != null && t.done - first <= windowMs).length;
    return {
      rate,
      windowJobs: window.length,
      unfinished: window.filter((t) => t.done == null).length,
      achievedJobsPerSec: round((doneInWindow / windowMs) * 1000, 1),
      producerStalls: skipped,
      start: pct(window.filter((t) => t.started != null).map((t) => t.started - t.pushed)),
      done: pct(window.filter((t) => t.done != null).map((t) => t.done - t.pushed)),
    };
  } catch (err) {
    return { rate, error: err?.message ?? String(err) };
  } finally {
    await system?.teardown().catch(() => {});
  }
}
