import { describe, expect, test } from 'vitest';
import { openRunner, RunTimeoutError, RuntimeCrashedError } from './index';
import { checkNoLeaks, outcome } from './test-support';

checkNoLeaks();

const script = `
let calls = 0;
export async function main({ mode }) {
  calls += 1;
  if (mode === 'spin') { for (;;) {} }
  if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 60_000));
  return { calls };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('a stuck sync loop times out, the runtime is replaced and serves the next call', async () => {
    const runner = await openRunner({ content: script, runtime });
    try {
      expect(await runner.run({})).toEqual({ calls: 1 });
      const error = await runner.run({ mode: 'spin' }, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunTimeoutError);
      expect(error).toMatchObject({
        code: 'run_timeout',
        reason: 'timeout',
        message: 'timed out after 200 ms',
      });
      // A fresh module: the counter starts again, proving the stuck runtime was replaced.
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('calls sharing the runtime with a timed-out call reject RuntimeCrashedError, never hang', async () => {
    const runner = await openRunner({ content: script, runtime });
    try {
      const sibling = outcome(runner.run({ mode: 'slow' }));
      const stuck = outcome(runner.run({ mode: 'spin' }, { timeoutMs: 200 }));
      const [siblingOutcome, stuckOutcome] = await Promise.all([sibling, stuck]);
      expect(stuckOutcome).toMatchObject({ ok: false, error: { name: 'RunTimeoutError' } });
      expect(siblingOutcome.ok).toBe(false);
      const error = (siblingOutcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(RuntimeCrashedError);
      expect(error).toMatchObject({ reason: 'crash', lost: 'replaced' });
      expect((error as Error).message).toMatch(/another call on the same (thread|process) timed out/);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('the runner-wide timeoutMs applies when run() gives none', async () => {
    const runner = await openRunner({ content: script, runtime, timeoutMs: 150 });
    try {
      await expect(runner.run({ mode: 'slow' })).rejects.toThrow('timed out after 150 ms');
    } finally {
      await runner.close();
    }
  });
});
