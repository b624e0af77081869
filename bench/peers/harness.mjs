// What every peer module shares: the work a job does, enqueue→start latency tracking, and the
// result shape { jobsPerSec, p50LatencyMs, p99LatencyMs } (or { error }).
import { percentile, round } from '../lib/stats.mjs';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across the process. */
export const now = () => performance.timeOrigin + performance.now();

const spin = (ms) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/** The job bodies the peers are compared on. */
export const WORK = {
  noop: async () => {},
  cpu1ms: async () => spin(1),
  sleep10ms: () => new Promise((resolve) => setTimeout(resolve, 10)),
  sleep100ms: () => new Promise((resolve) => setTimeout(resolve, 100)),
  sleep1s: () => new Promise((resolve) => setTimeout(resolve, 1000)),
};

/** Jobs are enqueued in bulk chunks of this size, each chunk stamped when it is built. */
export const ENQUEUE_CHUNK = 1000;

export function workFor(name) {
  const fn = WORK[name ?? 'noop'];
  if (!fn) throw new Error(`unknown work '${name}' (expected ${Object.keys(WORK).join(', ')})`);
  return fn;
}

/** The chunks to enqueue: arrays of payloads `{ i, t }` (t = enqueue time, set by `stamp`). */
export function* chunks(jobs, size = ENQUEUE_CHUNK) {
  for (let i = 0; i < jobs; i += size)
    yield Array.from({ length: Math.min(size, jobs - i) }, (_, k) => i + k);
}

/**
 * Counts started and finished jobs; `done` resolves when `jobs` have finished and rejects after
 * `timeoutMs` (a stuck peer becomes an error, not a hang).
 */
export function createTracker(jobs, work, timeoutMs) {
  const latencies = new Float64Array(jobs);
  let started = 0;
  let finished = 0;
  let firstEnqueue = null;
  let lastFinish = null;
  let resolve;
  let reject;
  const done = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => {}); // a peer that failed before waiting on `done` must not crash the bench at its timeout
  const timer = setTimeout(
    () => reject(new Error(`timed out after ${timeoutMs} ms: ${finished} of ${jobs} jobs finished`)),
    timeoutMs,
  );
  const tracker = {
    done,
    /** Stamps a chunk's enqueue time; the first stamp starts the throughput clock. */
    stamp() {
      const t = now();
      firstEnqueue ??= t;
      return t;
    },
    /** Call from the handler with the payload's enqueue time; runs the work. */
    async run(enqueuedAt) {
      if (started < jobs) latencies[started] = now() - enqueuedAt;
      started++;
      await work();
      finished++;
      if (finished === jobs) {
        lastFinish = now();
        clearTimeout(timer);
        resolve();
      }
    },
    cancel() {
      clearTimeout(timer);
    },
    result() {
      const ms = lastFinish - firstEnqueue;
      return {
        jobsPerSec: round((jobs / ms) * 1000, 3),
        p50LatencyMs: round(percentile(latencies, 50), 2),
        p99LatencyMs: round(percentile(latencies, 99), 2),
      };
    },
  };
  return tracker;
}

/** A generous bound on how long a run may take before it counts as failed. */
export function timeoutFor({ jobs, concurrency, work }) {
  const perJob = { noop: 5, cpu1ms: 6, sleep10ms: 10, sleep100ms: 100, sleep1s: 1000 }[work] ?? 1000;
  return 60_000 + Math.ceil((jobs * perJob) / Math.max(1, concurrency)) * 3;
}

/**
 * One run of a peer, measured the same way for every peer. `body` starts the peer's workers, calls
 * `enqueueAll(insert)` (which feeds every job through `insert(payloads)`, one bulk enqueue per chunk,
 * and resolves once all have finished) and tears the peer down. Never throws: see `guarded`.
 */
export function measure(name, options, body) {
  const { jobs = 2000, concurrency = 10, work = 'noop', url, quick = false } = options ?? {};
  return guarded(name, async () => {
    const tracker = createTracker(jobs, workFor(work), timeoutFor({ jobs, concurrency, work }));
    const enqueueAll = async (insert) => {
      for (const ids of chunks(jobs)) {
        const t = tracker.stamp();
        await insert(ids.map((i) => ({ i, t })));
      }
      await tracker.done;
    };
    try {
      await body({ tracker, jobs, concurrency, url, enqueueAll });
      return { ...tracker.result(), quick };
    } finally {
      tracker.cancel();
    }
  });
}

/** Wraps a peer body: any failure becomes `{ error }`, never a throw. */
export async function guarded(name, body) {
  try {
    return await body();
  } catch (err) {
    return { error: `${name}: ${err?.message ?? String(err)}` };
  }
}
