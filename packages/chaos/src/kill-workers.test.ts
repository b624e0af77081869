// The quick chaos run inside `npm test`: worker processes (generic and dedicated) drain a few
// thousand jobs while workers are SIGKILLed, every connection is terminated, the network is cut
// and slowed. Every job completes exactly once.
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
    expect(
      report.faults.connectionFaults.every((f: { recoverMs: number | null }) => f.recoverMs !== null),
    ).toBe(true);
  }, 120_000);
});
