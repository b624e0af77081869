import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

describe('results', () => {
  it('returns what main returns, given the job args', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code =
      'export async function main(args) { return { sum: args.a + args.b, list: [1, "x", null] }; }';
    const outcome = await executor.run(jobFor(code, { args: { a: 2, b: 3 } }), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: { sum: 5, list: [1, 'x', null] } });
  });

  it('treats a main that returns nothing as a null result', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(jobFor('export function main() {}'), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: null });
  });

  it('keeps the result out of stdout', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const { ctx, text } = contextFor();
    const outcome = await executor.run(jobFor('export function main() { return "secret-result"; }'), ctx);
    expect(outcome).toEqual({ status: 'success', result: 'secret-result' });
    expect(text()).toBe('');
  });

  it('fails for good, with a clear message, when the script has no main export', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(jobFor('export const notMain = 1;'), contextFor().ctx);
    expect(outcome).toMatchObject({
      status: 'failure',
      retryable: false,
      error: { message: 'script does not export a function named main' },
    });
  });

  it('fails for good when the script does not load', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(jobFor('export function main( {'), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', retryable: false, error: { name: 'SyntaxError' } });
    expect(outcome.status === 'failure' && outcome.error.message).toMatch(/^script failed to load: /);
  });

  it('fails with a clear message when the result is not JSON-serialisable', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = 'export function main() { const a = {}; a.self = a; return a; }';
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { name: 'TypeError' } });
    expect(outcome.status === 'failure' && outcome.error.message).toMatch(
      /^result is not JSON-serialisable: /,
    );
  });
});
