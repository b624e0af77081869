// A runner's args and result types: inferred from an inline handler, the host's claim for a script.
import { expect, expectTypeOf, test } from 'vitest';
import { openRunner, type Runner } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

test('an inline handler types run() end to end', async () => {
  const runner = await openRunner({ handler: async (args: { n: number }) => ({ doubled: args.n * 2 }) });
  try {
    expectTypeOf(runner).toEqualTypeOf<Runner<{ n: number }, { doubled: number }>>();
    const result = await runner.run({ n: 21 });
    expectTypeOf(result).toEqualTypeOf<{ doubled: number }>();
    expect(result.doubled).toBe(42);
    // @ts-expect-error: n must be a number
    void (() => runner.run({ n: 'x' }));
    // @ts-expect-error: a swapped-in handler must keep the types
    void (() => runner.swap((args: { m: string }) => args.m));
  } finally {
    await runner.close();
  }
});

test('a script runner is unknown in, unknown out unless the host claims types', async () => {
  const runner = await openRunner({ content: 'export const main = (args) => ({ doubled: args.n * 2 });' });
  try {
    expectTypeOf(runner).toEqualTypeOf<Runner<unknown, unknown>>();
    expectTypeOf(await runner.run({ n: 1 })).toEqualTypeOf<unknown>();
    // run<T> is an assertion: the claim is not checked at run time (this result has no `sent`)
    const claimed = await runner.run<{ sent: boolean }>({ n: 2 });
    expect(claimed).toEqual({ doubled: 4 });
  } finally {
    await runner.close();
  }
  const typed = await openRunner<{ n: number }, { doubled: number }>({
    content: 'export const main = (args) => ({ doubled: args.n * 2 });',
  });
  try {
    expect((await typed.run({ n: 3 })).doubled).toBe(6);
  } finally {
    await typed.close();
  }
});

test.each([
  ['thread', 'Date'],
  ['process', 'string'],
] as const)(
  'the %s runtime hands args over without the queue JSON rule: a Date arrives as a %s',
  async (runtime, kind) => {
    const runner = await openRunner({
      content: "export const main = (args) => (args.when instanceof Date ? 'Date' : typeof args.when);",
      runtime,
    });
    try {
      expect(await runner.run({ when: new Date(0) })).toBe(kind);
    } finally {
      await runner.close();
    }
  },
);
