import { describe, expect, test } from 'vitest';
import { openRunner, RunCanceledError, RuntimeCrashedError } from './index';
import { checkNoLeaks, outcome, waitFor } from './test-support';

checkNoLeaks();

const script = `
let calls = 0;
export async function main({ mode }) {
  calls += 1;
  console.log('started');
  if (mode === 'spin') { for (;;) {} }
  if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 60_000));
  return { calls };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('aborting the signal rejects RunCanceledError, replaces the runtime, and it serves on', async () => {
    const runner = await openRunner({ content: script, runtime });
    try {
      const controller = new AbortController();
      let started = false;
      const sibling = outcome(runner.run({ mode: 'slow' }));
      const spinning = runner.run(
        { mode: 'spin' },
        { signal: controller.signal, onLog: () => (started = true) },
      );
      await waitFor(() => started, 'the call to start');
      controller.abort();
      const error = await spinning.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunCanceledError);
      expect(error).toMatchObject({ code: 'run_canceled', reason: 'canceled' });
      const lost = await sibling;
      expect(lost).toMatchObject({ ok: false, error: expect.any(RuntimeCrashedError) });
      expect((lost as { error: Error }).error.message).toMatch(/was canceled/);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('an already aborted signal rejects at once and never reaches the script', async () => {
    const runner = await openRunner({ content: script, runtime });
    try {
      await expect(runner.run({}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RunCanceledError);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });
});
