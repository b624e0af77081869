// A job that sets no timeout still ends: the group's default timeout applies (15 min unless set).
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { GenericExecutor } from '../generic-executor';
import { contextFor, JOB_ID, jobFor, jobIdIn, jobProcesses, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

describe('default timeout', () => {
  it('stops an endless JavaScript job with no timeout of its own after the default', async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {}, defaultTimeoutMs: 1500 });
    const code = `export async function main() { console.log('pid=' + ${JOB_ID}); await new Promise(() => setInterval(() => {}, 1000)); }`;
    const { ctx, text } = contextFor();
    const running = executor.run(jobFor(code, { timeoutMs: null }), ctx);
    await waitFor(() => text().includes('pid='));
    expect(await running).toEqual({
      status: 'failure',
      error: { message: 'timed out after 1500 ms', reason: 'timeout' },
    });
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('stops an endless Python job with no timeout of its own after the default', async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {}, defaultTimeoutMs: 1500 });
    const code = 'import time\ndef main(args):\n    while True:\n        time.sleep(1)\n';
    const outcome = await executor.run(
      jobFor(code, { language: 'python', timeoutMs: null }),
      contextFor().ctx,
    );
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
  });

  it("lets a job's own timeout win over the default", async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {}, defaultTimeoutMs: 500 });
    const code =
      'export async function main() { await new Promise((r) => setTimeout(r, 1500)); return "slow but allowed"; }';
    const outcome = await executor.run(jobFor(code, { timeoutMs: 30_000 }), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: 'slow but allowed' });
  });
});
