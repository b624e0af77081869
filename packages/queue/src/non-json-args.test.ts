import { runInNewContext } from 'node:vm';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgsError } from './index';
import { countJobs, openQueueFixture, type QueueFixture } from './test-support';

class Point {
  x = 1;
}

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = { back: circular };

// Each value here used to be pushed and reach the script as something else (or throw an untyped
// error): JSON.stringify turns it into null, a string or {}, or drops it.
const refused: [string, Record<string, unknown>, string][] = [
  ['a function', { cb: () => 1 }, 'args.cb: a function is not JSON'],
  ['a symbol', { s: Symbol('s') }, 'args.s: a symbol is not JSON'],
  ['NaN', { n: Number.NaN }, 'args.n: NaN is not JSON'],
  ['Infinity', { n: Number.POSITIVE_INFINITY }, 'args.n: Infinity is not JSON'],
  ['-Infinity', { deep: { n: Number.NEGATIVE_INFINITY } }, 'args.deep.n: -Infinity is not JSON'],
  [
    'a Date',
    { when: new Date(0) },
    'args.when: a Date is not JSON (it would become a string); pass date.toISOString()',
  ],
  ['a BigInt', { big: 10n }, 'args.big: a BigInt is not JSON'],
  ['a Map', { m: new Map([['a', 1]]) }, 'args.m: a Map is not JSON (it would become {})'],
  ['a Set', { s: new Set([1]) }, 'args.s: a Set is not JSON (it would become {})'],
  ['a class instance', { p: new Point() }, 'args.p: a Point is not a plain object or array'],
  ['a Buffer', { b: Buffer.from('x') }, 'args.b: a Buffer is not a plain object or array'],
  ['undefined in an array', { list: [1, undefined] }, 'args.list[1]: undefined in an array'],
  // biome-ignore lint/suspicious/noSparseArray: the hole is the point
  ['a hole in an array', { list: [1, , 3] }, 'args.list[1]: undefined in an array'],
  ['a circular reference', circular, 'args.self.back: a circular reference is not JSON'],
  ['a key that is not an identifier', { a: { 'b c': [{ d: Number.NaN }] } }, 'args.a["b c"][0].d: NaN'],
  [
    'a getter that throws',
    Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }),
    'args.x: reading it threw: boom',
  ],
];

describe.each(testDrivers())('args JSON cannot carry, on %s', (driver) => {
  let f: QueueFixture;
  const jobCount = () => countJobs(f.db);
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it.each(refused)('refuses %s, naming its path, and writes nothing', async (_name, args, message) => {
    const before = await jobCount();
    const pushed = f.queue.push('f/test/noop', args);
    await expect(pushed).rejects.toBeInstanceOf(InvalidArgsError);
    await expect(pushed).rejects.toThrow(message);
    expect(await jobCount()).toBe(before);
  });

  it('refuses args that are themselves a Date or a Map', async () => {
    await expect(f.queue.push('f/test/noop', new Date() as never)).rejects.toThrow(
      'args: a Date is not JSON',
    );
    await expect(f.queue.push('f/test/noop', new Map() as never)).rejects.toThrow('args: a Map is not JSON');
  });

  it('writes nothing of a batch with one bad value', async () => {
    const before = await jobCount();
    const batch = [
      { path: 'f/test/noop', args: { ok: 1 } },
      { path: 'f/test/noop', args: { when: new Date() } },
    ];
    await expect(f.queue.pushMany(batch)).rejects.toMatchObject({ code: 'invalid_args' });
    expect(await jobCount()).toBe(before);
  });

  it('accepts what JSON carries as is, and drops undefined properties (as JSON does)', async () => {
    const shared = { n: 1 };
    const noPrototype = Object.assign(Object.create(null), { k: 'v' });
    const otherRealm = runInNewContext('({ a: [1, { b: null }] })');
    const args = {
      shared,
      again: shared,
      noPrototype,
      otherRealm,
      gone: undefined,
      [Symbol('ignored')]: 'JSON skips symbol keys',
      list: [null, 'x', true, -0.5],
    };
    const id = await f.queue.push('f/test/noop', args);
    expect((await f.queue.get(id)).args).toEqual({
      shared: { n: 1 },
      again: { n: 1 },
      noPrototype: { k: 'v' },
      otherRealm: { a: [1, { b: null }] },
      list: [null, 'x', true, -0.5],
    });
  });
});

describe('nesting', () => {
  it('accepts deep args that are not circular (deeper than the quick walk goes)', async () => {
    const { validateArgs } = await import('./validate');
    let deep: Record<string, unknown> = { leaf: [1, 'x'] };
    for (let i = 0; i < 500; i++) deep = { d: i % 2 ? deep : [deep] };
    expect(() => validateArgs(deep, 1 << 30)).not.toThrow();
  });

  it('refuses args nested too deeply to walk with a typed error', async () => {
    const { validateArgs } = await import('./validate');
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    expect(() => validateArgs(deep, 1 << 30)).toThrow(InvalidArgsError);
    expect(() => validateArgs(deep, 1 << 30)).toThrow('args: nested too deeply to be JSON');
  });
});
