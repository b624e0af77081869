// The open loop's clock and its producer's schedule.
//
// One clock: CLOCK_MONOTONIC (`process.hrtime`), in ms with ns resolution. It is the same clock in
// every process and thread of the machine — the producer's child process, the worker's process, a
// thread or process runtime — so a push time in one and a handler start in another subtract
// exactly. (`performance.timeOrigin + performance.now()` differs between processes by how far the
// wall clock moved against the monotonic one since each process started.) Database timestamps
// (wall clock) are brought onto it with `wallToMono`.

/** Monotonic ms, comparable across the machine's processes and threads. */
export const monoNow = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * wall ms − monotonic ms, measured at an edge of `Date.now()` (the ms tick is seen turning over,
 * so the offset is good to a few µs rather than to Date.now()'s whole ms). The edge lies between
 * two reads; a process descheduled between them would put it off by as long as it was away (a
 * busy machine: 10 ms seen), so an edge counts only when the two reads were close together, and
 * the closest of up to 20 edges wins. Spins ~1 ms per edge tried.
 */
export function wallOffset() {
  let best = { width: Number.POSITIVE_INFINITY, offset: 0 };
  for (let edges = 0; edges < 20 && best.width > 0.05; edges++) {
    let before = monoNow();
    let wall = Date.now();
    const start = wall;
    let after = monoNow();
    let lastBefore = before;
    while (wall === start) {
      lastBefore = before;
      before = monoNow();
      wall = Date.now();
      after = monoNow();
    }
    // the tick turned after the previous read (which began at lastBefore) and before this one ended
    const width = after - lastBefore;
    if (width < best.width) best = { width, offset: wall - (lastBefore + after) / 2 };
  }
  return best.offset;
}

/** A wall-clock timestamp (ms) on the monotonic clock, given `wallOffset()`. */
export const wallToMono = (wallMs, offset) => wallMs - offset;

const sleepUntil = (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - monoNow())));

/**
 * Pushes `total` jobs, job i due at `startAt + i × 1000 / rate` (monotonic ms), whatever happened
 * to the earlier pushes: an arrival never waits for a previous push to return (an open loop, no
 * coordinated omission). `lanes` pushes are outstanding at most (a client's connection pool);
 * arrivals that come due while every lane is busy go out together, as one `pushMany` call, when a
 * lane frees (one at a time through `push` when the system has no batch call) — as a producer
 * service would, since on PostgreSQL a commit that NOTIFYs waits for the one before it, fsync
 * included, so single-job transactions stop at 1 ÷ fsync a second, however many connections.
 * Every job keeps its due time: the wait for a lane is charged to the system, not the harness.
 * Returns per job `{ i, due, sent, acked, id, error }` (ms on the clock `now`) and how many went
 * out ≥ `lateMs` late. `now` and `sleep(until)` are the clock (injectable for tests).
 */
export async function runArrivals({
  rate,
  total,
  startAt,
  lanes = 4,
  maxBatch = 1000,
  push,
  pushMany,
  now = monoNow,
  sleep = sleepUntil,
  lateMs = 1,
}) {
  const records = [];
  const ready = []; // due, not sent yet
  const busy = new Set();
  let late = 0;
  const send = async (batch) => {
    const sent = now();
    for (const r of batch) {
      r.sent = sent;
      if (sent - r.due >= lateMs) late++;
    }
    try {
      const ids = batch.length === 1 && push ? [await push(batch[0].i, batch[0].due)] : await pushMany(batch);
      batch.forEach((r, k) => {
        r.id = ids?.[k] ?? null;
      });
    } catch (err) {
      for (const r of batch) r.error = err?.message ?? String(err);
    }
    const acked = now();
    for (const r of batch) r.acked = acked;
  };
  const lane = async () => {
    while (ready.length > 0) await send(ready.splice(0, pushMany ? maxBatch : 1));
  };
  const kick = () => {
    if (busy.size >= lanes) return; // a busy lane takes what is ready when its push returns
    const l = lane().finally(() => busy.delete(l));
    busy.add(l);
  };
  for (let i = 0; i < total; i++) {
    const due = startAt + (i * 1000) / rate;
    if (now() < due) await sleep(due);
    const record = { i, due, sent: null, acked: null, id: null, error: null };
    records.push(record);
    ready.push(record);
    kick();
  }
  while (busy.size > 0) await Promise.all(busy);
  return { records, late };
}
