import type { Db } from '@millrace/db';
import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPathError, ScriptNotFoundError, Settings, validateScriptPath } from './index';

describe.each(testDrivers())('jobDefaults on %s', (driver) => {
  let t: TestDb;
  let settings: Settings;
  beforeAll(async () => {
    t = await openTestDb(driver);
    settings = new Settings(t.db);
    await settings.deployScript({ path: 'f/jobs/a', content: 'export const main = () => 1;' });
    await settings.deployScript({ path: 'f/jobs/b', content: 'export const main = () => 2;' });
    await settings.setScriptSettings('f/jobs/b', {
      tag: 'gpu',
      timeoutMs: 5000,
      maxAttempts: 3,
      priority: 7,
    });
  });
  afterAll(() => t.drop());

  it('gives the latest hash, resolved tag and defaults of each distinct path', async () => {
    const latestA = await settings.deployScript({
      path: 'f/jobs/a',
      content: 'export const main = () => 11;',
    });
    const paths = [...Array.from({ length: 5000 }, (_, i) => (i % 2 ? 'f/jobs/a' : 'f/jobs/b'))];
    const defaults = await settings.jobDefaults(paths);
    expect([...defaults.keys()].sort()).toEqual(['f/jobs/a', 'f/jobs/b']);
    expect(defaults.get('f/jobs/a')).toEqual({
      hash: latestA.hash,
      tag: 'node',
      timeoutMs: null,
      maxAttempts: 1,
      priority: 0,
      maxRunning: null,
      rateLimit: null,
    });
    expect(defaults.get('f/jobs/b')).toMatchObject({
      tag: 'gpu',
      timeoutMs: 5000,
      maxAttempts: 3,
      priority: 7,
    });
  });

  it('gives the dedicated tag when the script is dedicated', async () => {
    await settings.setScriptSettings('f/jobs/b', { dedicated: true });
    expect((await settings.jobDefaults(['f/jobs/b'])).get('f/jobs/b')?.tag).toBe('dedicated:f/jobs/b');
    await settings.setScriptSettings('f/jobs/b', { dedicated: false });
  });

  it('runs one query whatever the number of paths', async () => {
    let queries = 0;
    const counting: Db = {
      ...t.db,
      query<R>(sql: string, params?: unknown[]) {
        queries++;
        return t.db.query<R>(sql, params);
      },
    };
    await new Settings(counting).jobDefaults(['f/jobs/a', 'f/jobs/b', 'f/jobs/a']);
    expect(queries).toBe(1);
  });

  it('names the first unknown path', async () => {
    const err = await settings.jobDefaults(['f/jobs/a', 'f/nope/one', 'f/nope/two']).catch((e) => e);
    expect(err).toBeInstanceOf(ScriptNotFoundError);
    expect(err.path).toBe('f/nope/one');
  });

  it('returns an empty map for no paths and refuses malformed ones', async () => {
    expect((await settings.jobDefaults([])).size).toBe(0);
    await expect(settings.jobDefaults(['f/jobs/a', 'nope'])).rejects.toBeInstanceOf(InvalidPathError);
  });

  it('exposes validateScriptPath for callers that check before touching the database', () => {
    expect(validateScriptPath('f/billing/charge')).toBe('f/billing/charge');
    expect(() => validateScriptPath('billing')).toThrow(InvalidPathError);
    expect(() => validateScriptPath(42)).toThrow(expect.objectContaining({ code: 'invalid_path' }));
  });
});
