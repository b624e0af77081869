import { describe, expect, test } from 'vitest';
import type { HandlerContext } from './index';
import {
  openRunner,
  ResultNotJsonError,
  RunCanceledError,
  RunnerClosedError,
  RunTimeoutError,
  ScriptError,
} from './index';

test('the host function is the script: warm state, JSON results, no thread hop', async () => {
  let calls = 0;
  const runner = await openRunner({ handler: async (args) => ({ calls: ++calls, args }) });
  expect(runner.runtime).toBe('inline');
  expect(await runner.run({ a: 1 })).toEqual({ calls: 1, args: { a: 1 } });
  expect(await runner.run({ a: 2 })).toEqual({ calls: 2, args: { a: 2 } });
  await runner.close();
});

test('log() and console.* inside a call reach that call alone, even interleaved', async () => {
  const runner = await openRunner({
    handler: async (args, { log }) => {
      const { i } = args as { i: number };
      log(`log ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      console.log('console', i);
      return i;
    },
  });
  const sinks: string[][] = Array.from({ length: 200 }, () => []);
  const results = await Promise.all(
    sinks.map((sink, i) => runner.run({ i }, { onLog: (t) => sink.push(t) })),
  );
  expect(results).toEqual(sinks.map((_, i) => i));
  for (const [i, sink] of sinks.entries()) expect(sink).toEqual([`log ${i}\n`, `console ${i}\n`]);
  await runner.close();
});

test('a throw is a ScriptError; a non-JSON result is a ResultNotJsonError', async () => {
  const runner = await openRunner({
    handler: (args) => {
      if ((args as { kind: string }).kind === 'throw') throw new RangeError('out of range');
      return { big: 1n };
    },
  });
  await expect(runner.run({ kind: 'throw' })).rejects.toMatchObject({
    constructor: ScriptError,
    errorName: 'RangeError',
    message: 'out of range',
  });
  await expect(runner.run({ kind: 'bigint' })).rejects.toBeInstanceOf(ResultNotJsonError);
  await runner.close();
});

test('timeout and cancel reject the call and abort the signal the handler was given', async () => {
  const seen: HandlerContext[] = [];
  const runner = await openRunner({
    handler: (_args, context) => {
      seen.push(context);
      return new Promise((resolve) => context.signal.addEventListener('abort', () => resolve('stopped')));
    },
  });
  await expect(runner.run({}, { timeoutMs: 50 })).rejects.toBeInstanceOf(RunTimeoutError);
  expect(seen[0]?.signal.aborted).toBe(true);
  const controller = new AbortController();
  const canceled = runner.run({}, { signal: controller.signal });
  controller.abort();
  await expect(canceled).rejects.toBeInstanceOf(RunCanceledError);
  expect(seen[1]?.signal.aborted).toBe(true);
  await runner.close();
});

test('swap replaces the handler; close waits, then refuses new calls', async () => {
  const runner = await openRunner({ handler: () => 'one' });
  expect(await runner.run({})).toBe('one');
  await runner.swap(() => 'two');
  expect(await runner.run({})).toBe('two');
  let release!: () => void;
  await runner.swap(() => new Promise<string>((resolve) => (release = () => resolve('late'))));
  const pending = runner.run({});
  let closed = false;
  const closing = runner.close().then(() => (closed = true));
  expect(closed).toBe(false);
  release();
  expect(await pending).toBe('late');
  await closing;
  await expect(runner.run({})).rejects.toBeInstanceOf(RunnerClosedError);
});

test('console outside any inline call is untouched, and restored after close', async () => {
  const before = console.log;
  const runner = await openRunner({ handler: () => 1 });
  expect(console.log).not.toBe(before);
  await runner.close();
  expect(console.log).toBe(before);
});

describe('inline concurrency', () => {
  test('calls over the limit wait, in order, and each starts before the caller of the last hears it ended', async () => {
    const events: string[] = [];
    const runner = await openRunner({
      concurrency: 1,
      handler: async (args) => {
        const { i } = args as { i: number };
        events.push(`start ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push(`end ${i}`);
        return i;
      },
    });
    try {
      const calls = [0, 1, 2].map((i) => runner.run({ i }).then((value) => events.push(`caller ${value}`)));
      await Promise.all(calls);
      expect(events).toEqual([
        'start 0',
        'end 0',
        'start 1',
        'caller 0',
        'end 1',
        'start 2',
        'caller 1',
        'end 2',
        'caller 2',
      ]);
    } finally {
      await runner.close();
    }
  });

  test('a waiting call that is canceled never runs; the running one is untouched', async () => {
    const seen: number[] = [];
    const runner = await openRunner({
      concurrency: 1,
      handler: async (args) => {
        seen.push((args as { i: number }).i);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return 'done';
      },
    });
    try {
      const running = runner.run({ i: 1 });
      const controller = new AbortController();
      const waiting = runner.run({ i: 2 }, { signal: controller.signal });
      controller.abort();
      await expect(waiting).rejects.toBeInstanceOf(RunCanceledError);
      await expect(running).resolves.toBe('done');
      await expect(runner.run({ i: 3 })).resolves.toBe('done');
      expect(seen).toEqual([1, 3]);
    } finally {
      await runner.close();
    }
  });
});
