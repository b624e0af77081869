// The quick chaos run inside `npm test`: worker processes (generic and dedicated) drain a few
// thousand jobs while workers are SIGKILLed, every connection is terminated, the network is cut
// and slowed, and poison jobs and jobs that attack their parent run among them. Every job
// completes exactly once; no worker dies of a job or freezes; no process a job started remains.
import { confinement } from '@millrace/dedicated-runner';
import { testDrivers } from '@millrace/testing';
import { describe, expect, it } from 'vitest';
import { PRESETS, runChaos } from './chaos-run.mjs';
import { formatReport } from './report.mjs';

describe.runIf(testDrivers().includes('postgres'))('workers killed while draining', () => {
  it('completes every job exactly once, each attempt accounted for', async () => {
    const report = await runChaos({
      ...PRESETS.quick,
      jobs: 4_000,
      generic: 2,
      dedicated: 1,
      killEveryMs: 1_000,
      timeoutMs: 90_000,
    });
    process.stdout.write(formatReport(report));
    expect(report.invariants.problems).toEqual([]);
    expect(report.timedOut).toBe(false);
    expect(report.invariants).toMatchObject({
      lost: 0,
      duplicates: 0,
      stuckRunning: 0,
      attemptsUnaccounted: 0,
      fencingViolations: 0,
    });
    expect(report.invariants.completed).toBe(report.invariants.jobs);
    expect(report.faults.killedWorkers).toBeGreaterThan(0);
    // jobs that attack their parent (where job processes have a PID namespace of their own)
    if (confinement().mode === 'pid-namespace')
      expect(report.parentKilling).toMatchObject({ pushed: 24, asExpected: 24, coldDaemonsOutlivedJob: 0 });
    expect(report.strayProcesses).toBe(0);
    expect(report.workersDiedUnasked).toEqual([]);
    expect(report.frozenWorkers).toEqual([]);
    expect(
      report.faults.connectionFaults.every((f: { recoverMs: number | null }) => f.recoverMs !== null),
    ).toBe(true);
  }, 120_000);
});
