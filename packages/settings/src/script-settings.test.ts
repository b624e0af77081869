import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPathError, InvalidSettingsError, ScriptNotFoundError } from './index';
import { openSettingsFixture, type SettingsFixture } from './test-support';

const PATH = 'f/settings/probe';

describe.each(testDrivers())('setScriptSettings on %s', (driver) => {
  let f: SettingsFixture;
  beforeAll(async () => {
    f = await openSettingsFixture(driver, [PATH]);
  });
  afterAll(() => f.drop());

  const rawRow = async () =>
    (await f.db.query('SELECT * FROM millrace.scripts WHERE path = $1', [PATH])).rows[0];

  it('applies a partial update and leaves the other settings as they are', async () => {
    const res = await f.settings.setScriptSettings(PATH, { tag: 'gpu', timeoutMs: 30_000 });
    expect(res).toEqual({
      settings: {
        dedicated: false,
        tag: 'gpu',
        timeoutMs: 30_000,
        maxAttempts: 1,
        priority: 0,
        maxRunning: null,
        rateLimit: null,
      },
      resolvedTag: 'gpu',
    });
    const res2 = await f.settings.setScriptSettings(PATH, { maxAttempts: 5, priority: -3 });
    expect(res2.settings).toEqual({
      dedicated: false,
      tag: 'gpu',
      timeoutMs: 30_000,
      maxAttempts: 5,
      priority: -3,
      maxRunning: null,
      rateLimit: null,
    });
    expect((await f.settings.getScript(PATH)).settings).toEqual(res2.settings);
  });

  it('sets and clears maxRunning and rateLimit', async () => {
    const res = await f.settings.setScriptSettings(PATH, {
      maxRunning: 4,
      rateLimit: { max: 10, windowMs: 60_000 },
    });
    expect(res.settings).toMatchObject({
      maxRunning: 4,
      rateLimit: { max: 10, windowMs: 60_000 },
      priority: -3,
    });
    const cleared = await f.settings.setScriptSettings(PATH, { maxRunning: null, rateLimit: null });
    expect(cleared.settings).toMatchObject({ maxRunning: null, rateLimit: null });
  });

  it('clears the tag and the timeout with an explicit null', async () => {
    const res = await f.settings.setScriptSettings(PATH, { tag: null, timeoutMs: null });
    expect(res.settings).toMatchObject({ tag: null, timeoutMs: null, maxAttempts: 5 });
    expect(res.resolvedTag).toBe('node');
  });

  it('accepts the bounds', async () => {
    const res = await f.settings.setScriptSettings(PATH, {
      timeoutMs: 86_400_000,
      maxAttempts: 100,
      priority: 1000,
      tag: 'A.b/c:d-e_f',
    });
    expect(res.settings).toMatchObject({
      timeoutMs: 86_400_000,
      maxAttempts: 100,
      priority: 1000,
      tag: 'A.b/c:d-e_f',
    });
    await f.settings.setScriptSettings(PATH, { timeoutMs: 1, maxAttempts: 1, priority: -1000 });
  });

  it.each([
    [{ tag: '' }, 'tag'],
    [{ tag: 'a b' }, 'tag'],
    [{ tag: 'x'.repeat(101) }, 'tag'],
    [{ tag: 'dedicated:f/settings/probe' }, 'reserved'],
    [{ tag: 'DEDICATED:x' }, 'reserved'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: 86_400_001 }, 'timeoutMs'],
    [{ timeoutMs: 1.5 }, 'timeoutMs'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 101 }, 'maxAttempts'],
    [{ maxAttempts: null }, 'maxAttempts'],
    [{ priority: 1001 }, 'priority'],
    [{ priority: -1001 }, 'priority'],
    [{ dedicated: 'yes' }, 'dedicated'],
    [{ maxRunning: 0 }, 'maxRunning'],
    [{ maxRunning: 10_001 }, 'maxRunning'],
    [{ rateLimit: { max: 5 } }, 'rateLimit'],
    [{ rateLimit: { max: 0, windowMs: 1000 } }, 'rateLimit'],
    [{ rateLimit: { max: 5, windowMs: 1000, burst: 2 } }, 'burst'],
    [{ timeout: 5 }, 'unknown key(s): timeout'],
  ])('refuses %j and writes nothing', async (patch, mention) => {
    const before = await rawRow();
    const err = await f.settings.setScriptSettings(PATH, patch as never).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidSettingsError);
    expect(err.code).toBe('invalid_settings');
    expect(err.message).toContain(mention);
    expect(await rawRow()).toEqual(before);
  });

  it('lists every problem at once', async () => {
    const err = await f.settings
      .setScriptSettings(PATH, { maxAttempts: 0, priority: 5000, extra: 1 } as never)
      .catch((e) => e);
    expect(err.issues).toHaveLength(3);
    expect(err.issues.join('\n')).toMatch(/maxAttempts[\s\S]*priority|priority[\s\S]*maxAttempts/);
  });

  it('refuses an unknown script and a malformed path', async () => {
    await expect(f.settings.setScriptSettings('f/no/such', { priority: 1 })).rejects.toBeInstanceOf(
      ScriptNotFoundError,
    );
    await expect(f.settings.setScriptSettings('nope', { priority: 1 })).rejects.toBeInstanceOf(
      InvalidPathError,
    );
    const { rows } = await f.db.query("SELECT 1 FROM millrace.scripts WHERE path = 'f/no/such'");
    expect(rows).toEqual([]);
  });
});
