import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('bad input on %s', (driver) => {
  let f: QueueFixture;
  const jobCount = async () =>
    Number((await f.db.query<{ n: string }>('SELECT count(*) AS n FROM millrace.jobs')).rows[0].n);
  beforeAll(async () => {
    f = await openQueueFixture(driver, { maxArgsBytes: 1024 });
  });
  afterAll(() => f.drop());

  const cases: [string, () => Promise<unknown>, string][] = [
    ['a malformed path', () => f.queue.push('Not A Path!', {}), 'invalid_path'],
    ['an unknown script', () => f.queue.push('f/test/missing', {}), 'script_not_found'],
    ['args that are an array', () => f.queue.push('f/test/noop', [1, 2] as never), 'invalid_args'],
    ['args that are a string', () => f.queue.push('f/test/noop', 'x' as never), 'invalid_args'],
    [
      'args over the size limit',
      () => f.queue.push('f/test/noop', { big: 'x'.repeat(2000) }),
      'args_too_large',
    ],
    [
      'a priority out of range',
      () => f.queue.push('f/test/noop', {}, { priority: 5000 }),
      'invalid_job_options',
    ],
    [
      'a fractional priority',
      () => f.queue.push('f/test/noop', {}, { priority: 1.5 }),
      'invalid_job_options',
    ],
    ['a zero maxAttempts', () => f.queue.push('f/test/noop', {}, { maxAttempts: 0 }), 'invalid_job_options'],
    [
      'a bad tag',
      () => f.queue.push('f/test/noop', {}, { tag: "x'; DROP TABLE millrace.jobs; --" }),
      'invalid_job_options',
    ],
    [
      'a bad date',
      () => f.queue.push('f/test/noop', {}, { scheduledFor: 'tomorrow' }),
      'invalid_job_options',
    ],
    [
      'an unknown option',
      () => f.queue.push('f/test/noop', {}, { colour: 'red' } as never),
      'invalid_job_options',
    ],
    ['an unknown job id', () => f.queue.get('424242'), 'job_not_found'],
    ['a non-numeric job id', () => f.queue.get('1 OR 1=1'), 'job_not_found'],
    ['a job id just past bigint', () => f.queue.get('9223372036854775808'), 'job_not_found'],
    ['a 19-digit job id past bigint', () => f.queue.get('9999999999999999999'), 'job_not_found'],
    ['a cancel of a job id past bigint', () => f.queue.cancel('9999999999999999999'), 'job_not_found'],
  ];

  it.each(cases)('refuses %s with a typed error and writes nothing', async (_name, call, code) => {
    const before = await jobCount();
    await expect(call()).rejects.toMatchObject({ code });
    expect(await jobCount()).toBe(before);
  });

  it('writes nothing from a batch with one bad job', async () => {
    const before = await jobCount();
    await expect(
      f.queue.pushMany([
        { path: 'f/test/noop', args: {} },
        { path: 'f/test/noop', args: { big: 'y'.repeat(5000) } },
      ]),
    ).rejects.toMatchObject({ code: 'args_too_large' });
    await expect(f.queue.pushMany([{ path: 'f/test/noop' }, { path: 'f/test/nope' }])).rejects.toMatchObject({
      code: 'script_not_found',
    });
    expect(await jobCount()).toBe(before);
  });
});

describe('args text that only looks like an escape', () => {
  it('accepts a literal backslash-u-0000 and refuses a real NUL', async () => {
    const { validateArgs } = await import('./validate');
    expect(() => validateArgs({ text: '\\u0000' }, 1024)).not.toThrow();
    expect(() => validateArgs({ text: 'a\u0000b' }, 1024)).toThrow(/NUL/);
  });
});
