import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, JOB_ID, jobFor, jobIdIn, jobProcesses, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

async function run(code: string, options = {}) {
  executor = createColdExecutor({ concurrency: 1, ...options });
  const context = contextFor();
  const outcome = await executor.run(jobFor(code), context.ctx);
  return { outcome, logs: context.text() };
}

describe('a process that ends without a result', () => {
  it('reports the exit code when the script calls process.exit', async () => {
    const { outcome } = await run('export function main() { process.exit(3); }');
    expect(outcome).toEqual({
      status: 'failure',
      error: { message: 'process exited with code 3 before returning a result', reason: 'no_result' },
    });
  });

  it('reports an uncaught exception thrown in a timer, with its stack in the logs', async () => {
    const code = `export function main() {
      setTimeout(() => { throw new RangeError('boom in timer'); }, 1);
      return new Promise(() => {});
    }`;
    const { outcome, logs } = await run(code);
    expect(outcome).toMatchObject({
      status: 'failure',
      error: { message: 'uncaught exception: boom in timer', name: 'RangeError', reason: 'crash' },
    });
    expect(logs).toContain('RangeError: boom in timer');
  });

  it('reports an unhandled rejection', async () => {
    const code = `export async function main() {
      Promise.reject(new Error('nobody caught me'));
      await new Promise((r) => setTimeout(r, 1000));
    }`;
    const { outcome } = await run(code);
    expect(outcome).toMatchObject({
      status: 'failure',
      error: { message: 'uncaught exception: nobody caught me' },
    });
  });

  it('fails a job whose process is killed from outside, and leaves nothing running', async () => {
    const { ctx, text } = contextFor();
    executor = createColdExecutor({ concurrency: 1 });
    const code = `export async function main() { console.log('pid=' + ${JOB_ID}); await new Promise(() => setInterval(() => {}, 1000)); }`;
    const running = executor.run(jobFor(code), ctx);
    await waitFor(() => text().includes('pid='));
    for (const pid of jobProcesses(jobIdIn(text()))) process.kill(pid, 'SIGKILL');
    // Seen through a PID namespace's unshare (util-linux 2.38), a SIGKILLed job is "exit code 1";
    // without one, "killed by SIGKILL". Either way: no result.
    expect(await running).toMatchObject({
      status: 'failure',
      error: { reason: expect.stringMatching(/^(crash|no_result)$/) },
    });
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('reports a main whose promise can never settle instead of hanging', async () => {
    const { outcome } = await run('export function main() { return new Promise(() => {}); }');
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'no_result' } });
  });

  it('reports a node binary that cannot start, and does not spin starting spares', async () => {
    const { outcome } = await run('export function main() { return 1; }', { nodePath: '/nonexistent/node' });
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'crash' } });
    expect(outcome.status === 'failure' && outcome.error.message).toMatch(/^could not start node: .*ENOENT/);
  });

  it('keeps running jobs after one crashed', async () => {
    await run('export function main() { process.exit(1); }');
    const next = await executor.run(jobFor('export function main() { return "fine"; }'), contextFor().ctx);
    expect(next).toEqual({ status: 'success', result: 'fine' });
  });
});
