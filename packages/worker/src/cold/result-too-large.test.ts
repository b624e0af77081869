import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

describe('result size', () => {
  it('fails a result over maxResultBytes', async () => {
    executor = createColdExecutor({ concurrency: 1, maxResultBytes: 1000 });
    const outcome = await executor.run(
      jobFor('export function main() { return "x".repeat(2000); }'),
      contextFor().ctx,
    );
    expect(outcome).toEqual({
      status: 'failure',
      error: { message: 'result is 2002 bytes, over the 1000 byte limit', reason: 'result_too_large' },
    });
  });

  it('accepts a result exactly at the limit', async () => {
    executor = createColdExecutor({ concurrency: 1, maxResultBytes: 1000 });
    const outcome = await executor.run(
      jobFor('export function main() { return "x".repeat(998); }'),
      contextFor().ctx,
    );
    expect(outcome.status).toBe('success');
  });

  it('fails an 11 MiB result under the default 10 MiB limit', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = 'export function main() { return "y".repeat(11 * 1024 * 1024); }';
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'result_too_large' } });
  });
});
