import { describe, expect, test } from 'vitest';
import { openRunner, RuntimeCrashedError } from './index';
import { checkNoLeaks, outcome } from './test-support';

checkNoLeaks();

const script = `
let calls = 0;
const hoard = [];
export async function main({ mode }) {
  calls += 1;
  if (mode === 'exit') process.exit(3);
  if (mode === 'timer-throw') { setTimeout(() => { throw new Error('boom in a timer'); }, 0); await new Promise(() => {}); }
  if (mode === 'oom') { for (;;) hoard.push(new Array(100_000).fill({ calls })); }
  if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 60_000));
  return { calls };
}`;

const fastRestart = { initialMs: 10, maxMs: 100, resetAfterMs: 1000 };

async function expectCrash(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RuntimeCrashedError);
  expect(error).toMatchObject({ code: 'runtime_crashed', reason: 'crash', lost: 'crashed' });
  expect((error as Error).message).toMatch(message);
}

describe('thread runtime', () => {
  test('process.exit in the script stops only its thread; its calls crash, the runner restarts it', async () => {
    const runner = await openRunner({ content: script, restartBackoff: fastRestart });
    try {
      const sibling = runner.run({ mode: 'slow' });
      await expectCrash(runner.run({ mode: 'exit' }), /the thread exited with code 3/);
      await expectCrash(sibling, /the thread exited with code 3/);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('an uncaught throw in a timer kills the thread; the message says so', async () => {
    const runner = await openRunner({ content: script, restartBackoff: fastRestart });
    try {
      await expectCrash(runner.run({ mode: 'timer-throw' }), /the thread crashed: Error: boom in a timer/);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('a leaking script hits resourceLimits and dies alone; the runner lives on', async () => {
    const runner = await openRunner({
      content: script,
      maxOldGenerationSizeMb: 32,
      restartBackoff: fastRestart,
    });
    try {
      await expectCrash(runner.run({ mode: 'oom' }), /ran out of memory \(maxOldGenerationSizeMb 32\)/);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('repeated crashes restart with backoff and every call settles', async () => {
    const runner = await openRunner({ content: script, restartBackoff: fastRestart });
    try {
      const outcomes = [];
      for (let i = 0; i < 5; i++) outcomes.push(await outcome(runner.run({ mode: 'exit' })));
      expect(outcomes.every((o) => !o.ok && o.error instanceof RuntimeCrashedError)).toBe(true);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });
});

describe('process runtime', () => {
  test('the process exiting fails its in-flight calls with RuntimeCrashedError and is restarted', async () => {
    const runner = await openRunner({ content: script, runtime: 'process', restartBackoff: fastRestart });
    try {
      const sibling = runner.run({ mode: 'slow' });
      await expectCrash(runner.run({ mode: 'exit' }), /the process exited with code 3/);
      await expectCrash(sibling, /the process exited with code 3/);
      expect(await runner.run({})).toEqual({ calls: 1 });
    } finally {
      await runner.close();
    }
  });

  test('a command that cannot start is a clear crash at open', async () => {
    await expect(
      openRunner({ content: script, runtime: 'process', command: ['/nonexistent/millrace-runtime'] }),
    ).rejects.toThrow(/could not start: spawn \/nonexistent\/millrace-runtime ENOENT/);
  });
});
