// The open loop: jobs arrive at a fixed rate from a producer in its own process, whatever the
// system does with them; after a warm-up, the jobs due in a fixed window are measured from their
// due time (no coordinated omission) to handler start and to done, on one clock (CLOCK_MONOTONIC,
// lib/arrivals.mjs). A system is `prepare({ runner, work, concurrency, onStart, onEnd })` →
// `{ producer, start(), doneCount(), teardown(), enqueue(payloads), expect?(n), jobTimes?() }`
// (bench/systems/*):
// `producer` names how the child process pushes (systems/pushers.mjs; `ipc`: through `enqueue`
// in this process); `onStart(payload)` /
// `onEnd(payload)` are called by handlers that run in this process; `expect(n)` tells a system
// that counts done jobs as added − left that n were added by the producer; `jobTimes()` gives
// `{ id, started, done }` (monotonic ms) per job id for systems whose handlers run elsewhere.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { POOL_SIZE } from '../systems/pushers.mjs';
import { monoNow } from './arrivals.mjs';
import { waitForDone } from './one-clock.mjs';
import { percentile, round } from './stats.mjs';

const PRODUCER = fileURLToPath(new URL('./open-loop-producer.mjs', import.meta.url));
/** time between telling the producer to run and its first arrival (its first timer, the IPC hop) */
const LEAD_MS = 50;

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

/** The producer child: `request(msg, type)` sends and waits for the reply of `type`. */
function startProducer(system) {
  const child = fork(PRODUCER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let failed = null;
  const fail = (err) => {
    failed ??= err;
    for (const { reject } of waiting.values()) reject(err);
    waiting.clear();
  };
  child.on('message', (msg) => {
    if (msg.type === 'push') {
      // an ipc producer: the system's queue lives in this process
      Promise.resolve(system.enqueue(msg.payloads)).then(
        () => child.connected && child.send({ type: 'pushed', seq: msg.seq, ids: null }),
        (err) => fail(err),
      );
      return;
    }
    if (msg.type === 'error') return fail(new Error(`producer: ${msg.message}`));
    waiting.get(msg.type)?.resolve(msg);
    waiting.delete(msg.type);
  });
  child.on('exit', (code) => fail(new Error(`producer exited (${code})`)));
  return {
    request(msg, reply) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        waiting.set(reply, { resolve, reject });
        child.send(msg);
      });
    },
    kill: () => child.connected && child.kill(),
  };
}

/**
 * One open-loop run at `rate` jobs/s for `warmupMs + windowMs` of arrivals (at most `lanes`
 * pushes outstanding: the producer's pool), then waits for every job. Reports
 * achieved throughput (window jobs done per window second), enqueue→start and enqueue→done
 * percentiles over the window's jobs from their due time, and the producer's own figures: how
 * many arrivals it sent ≥ 1 ms late and the push call's round trip. Never throws.
 */
export async function openLoopRun(
  prepare,
  { rate, warmupMs, windowMs, work, concurrency, runner, lanes = POOL_SIZE, drainTimeoutMs = 30_000 },
) {
  const times = new Map(); // i → { started, done } (monotonic ms)
  const at = (i) => times.get(i) ?? times.set(i, {}).get(i);
  const onStart = (p) => {
    at(p.i).started = monoNow();
  };
  const onEnd = (p) => {
    at(p.i).done = monoNow();
  };
  let system;
  let producer;
  try {
    system = await prepare({ runner, work, concurrency, onStart, onEnd });
    await system.start();
    producer = startProducer(system);
    await producer.request({ type: 'open', producer: system.producer }, 'ready');
    const total = Math.round(((warmupMs + windowMs) / 1000) * rate);
    const startAt = monoNow() + LEAD_MS;
    const run = await producer.request({ type: 'run', rate, total, startAt, lanes }, 'done');
    const errors = run.records.filter((r) => r[5] != null);
    if (errors.length > 0) throw new Error(`${errors.length} pushes failed: ${errors[0][5]}`);
    system.expect?.(total);
    await waitForDone(system, total, performance.now(), drainTimeoutMs).catch(() => {});
    const jobs = run.records.map(([i, due, sent, acked, id]) => ({
      i,
      due,
      sent,
      acked,
      id,
      ...times.get(i),
    }));
    if (system.jobTimes) {
      const byId = new Map(jobs.map((j) => [j.id, j]));
      for (const row of await system.jobTimes()) {
        const j = byId.get(row.id);
        if (j) Object.assign(j, { started: row.started, done: row.done });
      }
    }
    const first = startAt + warmupMs;
    const window = jobs.filter((j) => j.due >= first && j.due < first + windowMs);
    const doneInWindow = window.filter((j) => j.done != null && j.done - first <= windowMs).length;
    return {
      rate,
      windowJobs: window.length,
      unfinished: window.filter((j) => j.done == null).length,
      achievedJobsPerSec: round((doneInWindow / windowMs) * 1000, 1),
      producerLate: window.filter((j) => j.sent - j.due >= 1).length,
      send: pct(window.map((j) => j.sent - j.due)),
      push: pct(window.map((j) => j.acked - j.sent)),
      start: pct(window.filter((j) => j.started != null).map((j) => j.started - j.due)),
      done: pct(window.filter((j) => j.done != null).map((j) => j.done - j.due)),
    };
  } catch (err) {
    return { rate, error: err?.message ?? String(err) };
  } finally {
    producer?.kill();
    await system?.teardown().catch(() => {});
  }
}
