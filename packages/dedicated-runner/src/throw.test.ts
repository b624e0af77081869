// What a failed call rejects with on the runner's own API (the error classes and codes); which
// script fails how, and under which name, is the contract table (worker/src/conformance).
import { describe, expect, test } from 'vitest';
import { openRunner, ResultNotJsonError, ResultTooLargeError, ScriptError } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

const script = `
let calls = 0;
export async function main({ kind }) {
  calls += 1;
  if (kind === 'throw') throw new TypeError('bad input: ' + calls);
  if (kind === 'function') return () => 1;
  if (kind === 'big') return 'x'.repeat(2000);
  return { calls };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('a failed call rejects with its class and code alone; the warm module serves on', async () => {
    const runner = await openRunner({ content: script, runtime, maxResultBytes: 1000 });
    try {
      const thrown = await runner.run({ kind: 'throw' }).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(ScriptError);
      expect(thrown).toMatchObject({ code: 'script_error', reason: 'thrown', errorName: 'TypeError' });
      expect((thrown as ScriptError).stack).toContain('script-');
      const notJson = await runner.run({ kind: 'function' }).catch((e: unknown) => e);
      expect(notJson).toBeInstanceOf(ResultNotJsonError);
      expect(notJson).toMatchObject({ code: 'result_not_json', reason: 'thrown' });
      const tooLarge = await runner.run({ kind: 'big' }).catch((e: unknown) => e);
      expect(tooLarge).toBeInstanceOf(ResultTooLargeError);
      expect(tooLarge).toMatchObject({ code: 'result_too_large', reason: 'thrown' });
      // same module instance: the counter survived every failure
      expect(await runner.run({})).toEqual({ calls: 4 });
    } finally {
      await runner.close();
    }
  });
});
