import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, JOB_ID, jobFor, jobIdOf, jobProcesses, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const reportPid = `export function main() { return ${JOB_ID}; }`;

describe('pre-started processes', () => {
  it('serves a job with a process started before the job arrived, and replaces it', async () => {
    // maxSpares: a job that finds both spares still booting must not make the pool keep a third
    executor = createColdExecutor({ concurrency: 1, spares: 2, maxSpares: 2 });
    await waitFor(() => wrapperPids().length === 2);
    const before = wrapperPids();
    const spareIds = before.map(jobIdOf);
    const outcome = await executor.run(jobFor(reportPid), contextFor().ctx);
    const id = (outcome as { result: string }).result;
    expect(spareIds).toContain(id);
    // The job is over once it answered; node may take a few more milliseconds to exit.
    await waitFor(() => jobProcesses(id).length === 0);
    await waitFor(() => wrapperPids().length === 2);
    expect(wrapperPids().map(jobIdOf)).not.toContain(id);
  });

  it('defaults to one spare per slot plus one', async () => {
    executor = createColdExecutor({ concurrency: 3 });
    await waitFor(() => wrapperPids().length === 4);
  });

  it('starts nothing ahead of time with prestart: false', async () => {
    executor = createColdExecutor({ concurrency: 2, prestart: false });
    expect(wrapperPids()).toEqual([]);
    const outcome = await executor.run(jobFor(reportPid), contextFor().ctx);
    expect(outcome.status).toBe('success');
    // Only the job's own process, perhaps still exiting: no spare was started in its place (a spare
    // would stay, waiting for a job).
    await waitFor(() => wrapperPids().length === 0);
  });

  it("starts no spare before the first job with prestart: 'after-first-job', then keeps them", async () => {
    executor = createColdExecutor({ concurrency: 1, spares: 2, maxSpares: 2, prestart: 'after-first-job' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // spawn is synchronous: any spare exists by now
    expect(wrapperPids()).toEqual([]);
    const outcome = await executor.run(jobFor(reportPid), contextFor().ctx);
    expect(outcome.status).toBe('success');
    await waitFor(() => wrapperPids().length === 2);
  });

  it('rejects invalid options with a typed error', () => {
    expect(() => createColdExecutor({ concurrency: 0 })).toThrow(
      expect.objectContaining({
        name: 'InvalidColdExecutorOptionsError',
        code: 'invalid_cold_executor_options',
      }),
    );
    expect(() =>
      createColdExecutor({ concurrency: 1, prestart: 'later' as unknown as 'after-first-job' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_cold_executor_options' }));
    executor = createColdExecutor({ concurrency: 1, prestart: false });
  });
});
