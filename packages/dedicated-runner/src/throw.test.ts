import { describe, expect, test } from 'vitest';
import { openRunner, ResultNotJsonError, ResultTooLargeError, ScriptError } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

const script = `
let calls = 0;
export async function main({ kind }) {
  calls += 1;
  if (kind === 'throw') throw new TypeError('bad input: ' + calls);
  if (kind === 'string') throw 'just a string';
  if (kind === 'bigint') return { n: 10n };
  if (kind === 'circular') { const o = {}; o.self = o; return o; }
  if (kind === 'function') return () => 1;
  if (kind === 'big') return 'x'.repeat(2000);
  if (kind === 'undefined') return undefined;
  return { calls };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('a call whose main throws fails alone with ScriptError; the runtime keeps serving', async () => {
    const runner = await openRunner({ content: script, runtime });
    try {
      const error = await runner.run({ kind: 'throw' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ScriptError);
      expect(error).toMatchObject({
        code: 'SCRIPT_ERROR',
        reason: 'thrown',
        errorName: 'TypeError',
        message: 'bad input: 1',
      });
      expect((error as ScriptError).stack).toContain('TypeError: bad input: 1');
      expect((error as ScriptError).stack).toContain('script-');
      // Same module instance: the counter survived the throw.
      expect(await runner.run({})).toEqual({ calls: 2 });
      await expect(runner.run({ kind: 'string' })).rejects.toMatchObject({
        name: 'ScriptError',
        message: "non-error thrown: 'just a string'",
      });
    } finally {
      await runner.close();
    }
  });

  test.each(['bigint', 'circular', 'function'])('a %s result is a ResultNotJsonError', async (kind) => {
    const runner = await openRunner({ content: script, runtime });
    try {
      const error = await runner.run({ kind }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResultNotJsonError);
      expect(error).toBeInstanceOf(ScriptError);
      expect((error as Error).message).toMatch(/not JSON/);
    } finally {
      await runner.close();
    }
  });

  test('a result over maxResultBytes is a ResultTooLargeError; undefined becomes null', async () => {
    const runner = await openRunner({ content: script, runtime, maxResultBytes: 1000 });
    try {
      const error = await runner.run({ kind: 'big' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResultTooLargeError);
      expect(error).toMatchObject({ code: 'RESULT_TOO_LARGE', reason: 'thrown' });
      expect((error as Error).message).toBe('the result is 2002 bytes, over the limit of 1000');
      expect(await runner.run({ kind: 'undefined' })).toBeNull();
    } finally {
      await runner.close();
    }
  });
});
