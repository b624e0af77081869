import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, JOB_ID, jobFor, jobIdIn, jobProcesses, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const longJob = `export async function main() {
  console.log('pid=' + ${JOB_ID});
  await new Promise((r) => setTimeout(r, 60_000));
}`;

describe('cancel', () => {
  it('kills a running job and resolves canceled', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const { ctx, text, controller } = contextFor();
    const running = executor.run(jobFor(longJob), ctx);
    await waitFor(() => text().includes('pid='));
    controller.abort();
    expect(await running).toEqual({ status: 'canceled' });
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('resolves canceled without starting a job whose signal is already aborted', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const { ctx, controller, chunks } = contextFor();
    controller.abort();
    expect(await executor.run(jobFor('export function main() { console.log("ran"); }'), ctx)).toEqual({
      status: 'canceled',
    });
    expect(chunks).toEqual([]);
  });

  it('cancels a job still waiting for a slot', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const first = contextFor();
    const running = executor.run(jobFor(longJob), first.ctx);
    const waiting = contextFor();
    const queued = executor.run(jobFor('export function main() { return 1; }'), waiting.ctx);
    waiting.controller.abort();
    expect(await queued).toEqual({ status: 'canceled' });
    first.controller.abort();
    expect(await running).toEqual({ status: 'canceled' });
  });
});
