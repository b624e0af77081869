// The estimate printed before a run adds up the rows the run will measure, with each job's own work.
import { describe, expect, it } from 'vitest';
import { estimate, rowSeconds } from './budget.mjs';

describe('rowSeconds', () => {
  it('charges every job its work, divided over the lanes, beside the set-up', () => {
    expect(rowSeconds('handlers', { jobs: 3, work: 'sleep1s', concurrency: 1 })).toBeGreaterThan(3);
    expect(rowSeconds('handlers', { jobs: 20, work: 'sleep1s', concurrency: 10 })).toBeLessThan(
      rowSeconds('handlers', { jobs: 20, work: 'sleep1s', concurrency: 1 }) / 5,
    );
  });
});

describe('estimate', () => {
  it('multiplies the rows by their repeats, section by section', () => {
    const rows = [{ system: 'handlers', jobs: 10_000 }];
    const once = estimate({ backlog: rows, backlogRepeats: 1 });
    const thrice = estimate({ backlog: rows, backlogRepeats: 3 });
    expect(thrice['one-clock']).toBeCloseTo(once['one-clock'] * 3, -1);
    expect(thrice.matrix).toBe(0);
  });
});
