import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidWorkerGroupError } from './index';
import { openSettingsFixture, type SettingsFixture } from './test-support';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (err: unknown) => err,
  );

describe.each(testDrivers())('worker group env and job limits on %s', (driver) => {
  let f: SettingsFixture;
  beforeAll(async () => {
    f = await openSettingsFixture(driver);
  });
  afterAll(() => f.drop());

  it('refuses an env value no process could be started with (over MAX_ARG_STRLEN), and keeps the old env', async () => {
    await f.settings.setWorkerGroup('big-env', { env: { KEPT: 'yes' } });
    const err = await refusal(f.settings.setWorkerGroup('big-env', { env: { BIG: 'x'.repeat(128 * 1024) } }));
    expect(err).toBeInstanceOf(InvalidWorkerGroupError);
    expect((err as InvalidWorkerGroupError).code).toBe('invalid_worker_group');
    expect((err as InvalidWorkerGroupError).issues).toEqual([
      expect.stringMatching(
        /^env\.BIG: BIG=… is 131077 bytes .* over the 131072 byte limit .*MAX_ARG_STRLEN/,
      ),
    ]);
    expect((await f.settings.getWorkerGroup('big-env')).env).toEqual({ KEPT: 'yes' });
  });

  it('accepts the largest value that still fits in one environment string', async () => {
    const value = 'x'.repeat(128 * 1024 - 'FITS'.length - 2);
    const group = await f.settings.setWorkerGroup('fits', { env: { FITS: value } });
    expect(group.env.FITS).toHaveLength(value.length);
  });

  it('refuses an env over 1 MiB in all, even when every value fits', async () => {
    const env = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`V${i}`, 'y'.repeat(120 * 1024)]));
    const err = await refusal(f.settings.setWorkerGroup('total', { env }));
    expect((err as InvalidWorkerGroupError).issues).toEqual([
      expect.stringMatching(/^env: env is \d+ bytes in all, over the 1048576 byte limit$/),
    ]);
  });

  it('refuses NUL bytes in a value and "=" in a name', async () => {
    const nul = await refusal(f.settings.setWorkerGroup('nul', { env: { A: 'a\0b' } }));
    expect((nul as InvalidWorkerGroupError).issues).toEqual(['env.A: env values may not contain NUL bytes']);
    const eq = await refusal(f.settings.setWorkerGroup('eq', { env: { 'A=B': 'x' } }));
    expect((eq as InvalidWorkerGroupError).issues).toEqual([
      'env.A=B: env names must match [A-Z_][A-Z0-9_]*',
    ]);
  });

  it('gives a group a memory cap of 1024 MiB and a 15 min default timeout unless set, and no runAs', async () => {
    expect(await f.settings.getWorkerGroup('default')).toMatchObject({
      memoryLimitMb: 1024,
      defaultTimeoutMs: 900_000,
      runAs: null,
    });
    const set = await f.settings.setWorkerGroup('limited', {
      memoryLimitMb: 256,
      defaultTimeoutMs: 5_000,
      runAs: 'nobody',
    });
    expect(set).toMatchObject({ memoryLimitMb: 256, defaultTimeoutMs: 5_000, runAs: 'nobody' });
    // fields absent from an update keep their value; runAs: null clears it
    expect(await f.settings.setWorkerGroup('limited', { runAs: null })).toMatchObject({
      memoryLimitMb: 256,
      defaultTimeoutMs: 5_000,
      runAs: null,
    });
    expect((await f.settings.setWorkerGroup('limited', { runAs: '65534:65534' })).runAs).toBe('65534:65534');
  });

  it('refuses limits out of range and a runAs that is root or not a user', async () => {
    for (const input of [
      { memoryLimitMb: 10 },
      { defaultTimeoutMs: 0 },
      { runAs: 'root' },
      { runAs: '0:0' },
      { runAs: 'a b' },
      { runAs: '../etc' },
    ]) {
      expect(
        await refusal(f.settings.setWorkerGroup('bad-limits', input)),
        JSON.stringify(input),
      ).toBeInstanceOf(InvalidWorkerGroupError);
    }
  });
});
