// The one-clock driver's promises: the clock ends only when the system's own store counts every
// job done, start-up is reported apart, a failing system becomes a row's error; rows summarise
// repeats honestly (median, spread, busy flag) and --compare pairs only rows both runs measured.
import { describe, expect, it } from 'vitest';
import { backlogPlan, MAX_JOBS, summarise, summariseOpenLoop } from '../one-clock.mjs';
import { systems } from '../systems/peers.mjs';
import { compareResults } from './compare.mjs';
import { isBusy } from './load.mjs';
import { backlogRun } from './one-clock.mjs';

describe('backlogRun', () => {
  it('ends when the store counts every job done, with start-up apart', async () => {
    let counted = 0;
    const prepare = async (o) => {
      const system = await systems['for-loop'](o);
      return {
        ...system,
        doneCount: async () => {
          counted = await system.doneCount();
          return counted;
        },
      };
    };
    const r = await backlogRun(prepare, { jobs: 5000, work: 'noop', concurrency: 1, timeoutMs: 10_000 });
    expect(r.error).toBeUndefined();
    expect(counted).toBe(5000);
    expect(r.jobsPerSec).toBeGreaterThan(0);
    expect(r.startupMs).toBeGreaterThanOrEqual(0);
    expect(r.drainJobsPerSec).toBeGreaterThanOrEqual(r.jobsPerSec);
  });

  it('turns a system that never finishes into an error, and still tears it down', async () => {
    let tornDown = false;
    const prepare = async (o) => {
      const system = await systems['for-loop'](o);
      return {
        ...system,
        start: async () => {}, // no worker: nothing ever gets done
        teardown: async () => {
          tornDown = true;
          await system.teardown();
        },
      };
    };
    const r = await backlogRun(prepare, { jobs: 10, work: 'noop', concurrency: 1, timeoutMs: 200 });
    expect(r.error).toMatch(/timed out: 0 of 10 done/);
    expect(tornDown).toBe(true);
  });
});

describe('summarise', () => {
  const load = { before: { cpuBusy: 0.1, loadAvg1: 0.2 }, during: { cpuBusy: 0.9, loadAvg1: 1 } };
  const run = (jobsPerSec, busy = false) => ({
    jobsPerSec,
    startupMs: 10,
    drainJobsPerSec: jobsPerSec * 1.1,
    busy,
    loadBefore: load.before,
    loadDuring: load.during,
  });

  it('reports the median, min–max and spread, and flags any busy repeat', () => {
    const row = summarise({ system: 's', runs: [run(100), run(300, true), run(200)] }, 'jobsPerSec');
    expect(row).toMatchObject({
      jobsPerSec: 200,
      min: 100,
      max: 300,
      spreadPct: 100,
      busy: true,
      repeats: 3,
    });
  });

  it('keeps failures: a row with no successful repeat carries the error', () => {
    const row = summarise({ system: 's', runs: [{ error: 'boom', busy: false }] }, 'jobsPerSec');
    expect(row.error).toBe('boom');
    expect(row.jobsPerSec).toBeUndefined();
  });
});

describe('isBusy', () => {
  it('flags a machine more than half busy before the row, not one that is quiet', () => {
    expect(isBusy({ cpuBusy: 0.8, loadAvg1: 0 })).toBe(true);
    expect(isBusy({ cpuBusy: 0.1, loadAvg1: 0 })).toBe(false);
    expect(isBusy({ cpuBusy: 0.1, loadAvg1: 50 })).toBe(false); // the load average still counts the bench's last row
    expect(isBusy({ cpuBusy: null, loadAvg1: 50 })).toBe(true); // no /proc/stat: the load average decides
  });
});

describe('compareResults', () => {
  it('pairs only rows both runs measured, new ÷ old, noting busy runs', () => {
    const old = { oneClock: [{ size: 1000, system: 'thread', jobsPerSec: 100, startupMs: 50 }] };
    const now = {
      oneClock: [
        { size: 1000, system: 'thread', jobsPerSec: 150, startupMs: 50, busy: true },
        { size: 1000, system: 'handlers', jobsPerSec: 999 },
      ],
    };
    const rows = compareResults(old, now);
    expect(rows.map((r) => r.row)).toEqual(['one-clock N=1000 thread', 'one-clock N=1000 thread start-up']);
    expect(rows[0]).toMatchObject({ old: 100, new: 150, 'new/old': 1.5, note: 'busy machine in one run' });
  });
});

describe('backlogPlan', () => {
  it('runs a capped system only at the sizes where its capped count changes', () => {
    const plan = backlogPlan({
      mode: 'full',
      runners: ['handlers', 'pg-boss', 'generic'],
      sizes: [1_000, 20_000, 100_000],
    });
    const of = (system) => plan.filter((p) => p.system === system).map((p) => [p.size, p.jobs]);
    expect(of('handlers')).toEqual([
      [1_000, 1_000],
      [20_000, 20_000],
      [100_000, 100_000],
    ]);
    expect(of('pg-boss')).toEqual([
      [1_000, 1_000],
      [20_000, MAX_JOBS.full['pg-boss']],
    ]);
    expect(of('generic')).toEqual([[1_000, MAX_JOBS.full.generic]]);
  });
});

describe('summariseOpenLoop', () => {
  const run = (p99, achieved) => ({
    windowJobs: 100,
    unfinished: 0,
    producerLate: 0,
    achievedJobsPerSec: achieved,
    start: { p50: 1, p95: 2, p99, max: p99 + 1 },
    done: { p50: 2, p95: 3, p99: p99 + 1, max: p99 + 2 },
    send: { p50: 0.1, p95: 0.2, p99: 0.3, max: 0.4 },
    push: { p50: 1, p95: 1, p99: p99 / 2, max: p99 },
    busy: false,
  });

  it('takes the median of every figure over the repeats and keeps the p99 range', () => {
    const row = summariseOpenLoop({ system: 's', rate: 100, runs: [run(9, 99), run(3, 100), run(5, 98)] });
    expect(row).toMatchObject({
      repeats: 3,
      achievedJobsPerSec: 99,
      start: { p50: 1, p99: 5, max: 6 },
      done: { p99: 6 },
      push: { p99: 2.5 },
      startP99Min: 3,
      startP99Max: 9,
    });
  });

  it('keeps the failures of repeats that failed beside the others', () => {
    const row = summariseOpenLoop({ system: 's', rate: 100, runs: [run(4, 100), { error: 'boom' }] });
    expect(row.start.p99).toBe(4);
    expect(row.errors).toEqual(['boom']);
    expect(summariseOpenLoop({ system: 's', rate: 1, runs: [{ error: 'x' }] }).error).toBe('x');
  });
});
