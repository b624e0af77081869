// The open loop's promises: arrivals follow the schedule whatever the pushes do (no coordinated
// omission: a slow push neither delays the next arrival nor moves its due time), the in-flight
// cap holds, and a run measures the window's jobs from their due time across the producer's process.
import { describe, expect, it } from 'vitest';
import { systems } from '../systems/peers.mjs';
import { monoNow, runArrivals, wallOffset, wallToMono } from './arrivals.mjs';
import { openLoopRun } from './open-loop.mjs';

/** A virtual clock: sleeping moves it to the wake-up time at once (after pending pushes ran). */
function virtualClock() {
  let t = 0;
  return {
    now: () => t,
    advance: (to) => {
      t = Math.max(t, to);
    },
    sleep: async (to) => {
      await new Promise((resolve) => setImmediate(resolve));
      t = Math.max(t, to);
    },
  };
}

describe('runArrivals', () => {
  it('sends every arrival on time while an earlier push hangs (no coordinated omission)', async () => {
    const clock = virtualClock();
    let release;
    const hanging = new Promise((resolve) => {
      release = resolve;
    });
    const calls = [];
    const run = runArrivals({
      rate: 1000,
      total: 10,
      startAt: 100,
      lanes: 10,
      push: (i) => {
        calls.push(i);
        return i === 0 ? hanging.then(() => 'first') : `job${i}`;
      },
      now: clock.now,
      sleep: clock.sleep,
    });
    // every arrival went out while push 0 was still pending
    for (let k = 0; k < 50 && calls.length < 10; k++) await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    release();
    const { records, late } = await run;
    expect(records.map((r) => r.due)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(records.map((r) => r.sent)).toEqual(records.map((r) => r.due));
    expect(late).toBe(0);
    expect(records[0].id).toBe('first');
    expect(records[0].acked).toBeGreaterThanOrEqual(records[9].sent); // it came back after the rest went out
  });

  it('sends the arrivals that queued behind busy lanes in one batch, each keeping its due time', async () => {
    const clock = virtualClock();
    const calls = [];
    const acks = [];
    const pending = () =>
      new Promise((resolve) => {
        acks.push(resolve);
      });
    const run = runArrivals({
      rate: 100, // one every 10 ms
      total: 4,
      startAt: 0,
      lanes: 1,
      push: (i) => {
        calls.push([i]);
        return pending().then(() => `job${i}`);
      },
      pushMany: (batch) => {
        calls.push(batch.map((r) => r.i));
        return pending().then(() => batch.map((r) => `job${r.i}`));
      },
      now: clock.now,
      sleep: clock.sleep,
    });
    const settle = async () => {
      for (let k = 0; k < 20; k++) await new Promise((r) => setImmediate(r));
    };
    await settle(); // jobs 1-3 came due while push 0 was out
    expect(calls).toEqual([[0]]);
    clock.advance(35);
    acks.shift()();
    await settle();
    expect(calls).toEqual([[0], [1, 2, 3]]);
    acks.shift()();
    const { records, late } = await run;
    expect(records.map((r) => r.due)).toEqual([0, 10, 20, 30]);
    expect(records.map((r) => r.sent)).toEqual([0, 35, 35, 35]);
    expect(records.map((r) => r.id)).toEqual(['job0', 'job1', 'job2', 'job3']);
    expect(late).toBe(3);
    // what a latency from the due time charges: the wait for a lane
    expect(records.map((r) => r.sent - r.due)).toEqual([0, 25, 15, 5]);
  });
});

describe('the one clock', () => {
  it('maps a wall-clock timestamp onto the monotonic clock', () => {
    const offset = wallOffset();
    const before = monoNow();
    const mapped = wallToMono(Date.now(), offset);
    const after = monoNow();
    // Date.now() truncates to the ms: the mapped time lies within that ms of the read
    expect(mapped).toBeGreaterThan(before - 1);
    expect(mapped).toBeLessThanOrEqual(after + 0.01);
  });
});

describe('openLoopRun', () => {
  it('measures the window jobs from their due time, pushed from the producer process', async () => {
    const r = await openLoopRun(systems['for-loop'], {
      rate: 200,
      warmupMs: 100,
      windowMs: 300,
      work: 'sleep10ms',
      concurrency: 1,
    });
    expect(r.error).toBeUndefined();
    expect(r.windowJobs).toBe(60); // due times are exact: 300 ms at 200/s
    expect(r.unfinished).toBe(0);
    expect(r.done.p50).toBeGreaterThanOrEqual(r.start.p50 + 8); // a 10 ms timer between start and done
    expect(r.push.p50).not.toBeNull();
  });
});
