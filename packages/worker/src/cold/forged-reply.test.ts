// A job's code can write to the IPC channel its wrapper answers on (`process.send`). Whatever it
// sends there ends that job alone, as a clear failure: the executor never throws and serves the
// next job, and a forged reason cannot pass the job off as something the worker did.
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const sending = (message: string) =>
  `export async function main() { process.send(${message}); await new Promise(() => {}); }`;

describe('a job that answers for its wrapper', () => {
  it.each([
    ['an uncaught error that is null', "{ type: 'uncaught', error: null }"],
    ['an error that is null', "{ type: 'error', error: null }"],
    ['an error whose message is not a string', "{ type: 'error', error: { message: 42 } }"],
    ['a result that is not JSON text', "{ type: 'result', json: { a: 1 } }"],
    ['a message of no known type', "{ type: 'surprise' }"],
    ['a bare string', "'hello'"],
  ])('fails its own job as a crash when it sends %s; the next job runs', async (_what, message) => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(jobFor(sending(message)), contextFor().ctx);
    expect(outcome).toMatchObject({
      status: 'failure',
      error: {
        reason: 'crash',
        message: expect.stringMatching(/^the job's process sent a malformed answer: /),
      },
    });
    const next = await executor.run(jobFor('export function main() { return "next"; }'), contextFor().ctx);
    expect(next).toEqual({ status: 'success', result: 'next' });
  });

  it('cannot claim a reason the wrapper never gives, nor smuggle in other fields', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(
      jobFor(
        sending(
          "{ type: 'error', error: { message: 'forged', reason: 'worker_stopped', extra: 'x' }, retryable: 'yes' }",
        ),
      ),
      contextFor().ctx,
    );
    expect(outcome).toEqual({ status: 'failure', error: { message: 'forged', reason: 'thrown' } });
  });
});
