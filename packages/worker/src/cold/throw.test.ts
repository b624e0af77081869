import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

describe('a script that throws', () => {
  it('fails with the error message, name and stack', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `class ChargeError extends Error { name = 'ChargeError'; }
      export async function main() { throw new ChargeError('card declined'); }`;
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome).toMatchObject({
      status: 'failure',
      error: { message: 'card declined', name: 'ChargeError', reason: 'thrown' },
    });
    expect(outcome.status === 'failure' && outcome.error.stack).toContain('ChargeError: card declined');
  });

  it('fails with the value as message when something other than an Error is thrown', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(
      jobFor('export function main() { throw "plain string"; }'),
      contextFor().ctx,
    );
    expect(outcome).toEqual({ status: 'failure', error: { message: 'plain string', reason: 'thrown' } });
  });
});
