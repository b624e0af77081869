import type { WorkerInfo } from '@millrace/queue';
import { expect, it } from 'vitest';
import { WorkerRates } from './worker-rates';

const worker = (jobsDone: number, alive = true) => ({ name: 'w', jobsDone, alive }) as WorkerInfo;

it('computes jobs/s from jobsDone deltas over the last minute', () => {
  const rates = new WorkerRates();
  expect(rates.observe([worker(0)], 0).get('w')).toBe(0);
  expect(rates.observe([worker(10)], 2_000).get('w')).toBe(5);
  expect(rates.observe([worker(70)], 30_000).get('w')).toBeCloseTo(70 / 30, 2);
  // the first sample leaves the 60 s window
  expect(rates.observe([worker(130)], 70_000).get('w')).toBeCloseTo(60 / 40, 2);
  expect(rates.observe([worker(130, false)], 71_000).get('w')).toBe(0);
});
