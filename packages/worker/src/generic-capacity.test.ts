// The generic executor offers to hold a job ahead only for a script version it has already run as
// a cold (JavaScript/TypeScript) job: the worker asks before it has the code, and a Python job
// (a fresh python3 per job, outside the cold slots) must never be handed beyond the free slots.
import { afterEach, describe, expect, it } from 'vitest';
import { contextFor, jobFor } from './cold/test-support';
import { GenericExecutor } from './generic-executor';

let executor: GenericExecutor;
afterEach(() => executor.close());

describe('generic executor capacity', () => {
  it('is offered for a version once it ran cold, one job ahead per slot', async () => {
    executor = new GenericExecutor({ concurrency: 2, env: {} });
    const job = jobFor('export function main() { return 1; }');
    expect(executor.capacity(job)).toBeUndefined();
    expect(await executor.run(job, contextFor().ctx)).toEqual({ status: 'success', result: 1 });
    expect(executor.capacity(job)).toMatchObject({ runs: 2, holds: 4 });
    // another version of the same path has not run yet
    expect(executor.capacity({ path: job.path, hash: 'another' })).toBeUndefined();
  });

  it('is never offered for a Python version, even after it ran', async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {} });
    const job = jobFor('def main(args):\n    return 2\n', { language: 'python' });
    expect(await executor.run(job, contextFor().ctx)).toEqual({ status: 'success', result: 2 });
    expect(executor.capacity(job)).toBeUndefined();
  });

  it('is not offered once the executor is closed', async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {} });
    const job = jobFor('export function main() { return 1; }');
    await executor.run(job, contextFor().ctx);
    await executor.close();
    expect(executor.capacity(job)).toBeUndefined();
  });
});
