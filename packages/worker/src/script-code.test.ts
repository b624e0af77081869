import { DatabaseError } from '@millrace/db';
import { ScriptNotFoundError, type Settings } from '@millrace/settings';
import { describe, expect, it } from 'vitest';
import { ScriptCodeCache } from './script-code';

/** A Settings whose getScriptVersion fails with each of `failures` in turn, then answers. */
function settingsFailing(failures: Error[]) {
  let calls = 0;
  const settings = {
    async getScriptVersion(path: string, hash: string) {
      calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return { path, hash, code: 'export function main() {}', language: 'javascript' };
    },
  } as unknown as Settings;
  return { settings, calls: () => calls };
}

describe('ScriptCodeCache', () => {
  it('retries a lost connection and then serves the code, fetched once per version', async () => {
    const s = settingsFailing([new DatabaseError('database connection lost'), new DatabaseError('again')]);
    const cache = new ScriptCodeCache(s.settings);
    const [a, b] = await Promise.all([cache.get('f/a', 'h1'), cache.get('f/a', 'h1')]);
    expect(a).toEqual({ code: 'export function main() {}', language: 'javascript' });
    expect(b).toBe(a);
    expect(s.calls()).toBe(3);
  });

  it('fails at once when the version does not exist, and tries again on the next call', async () => {
    const s = settingsFailing([new ScriptNotFoundError('f/gone')]);
    const cache = new ScriptCodeCache(s.settings);
    await expect(cache.get('f/gone', 'h1')).rejects.toBeInstanceOf(ScriptNotFoundError);
    expect(s.calls()).toBe(1);
    await expect(cache.get('f/gone', 'h1')).resolves.toMatchObject({ language: 'javascript' });
  });

  it('gives up after its retries when the database stays away', async () => {
    const s = settingsFailing(Array.from({ length: 5 }, () => new DatabaseError('down')));
    const cache = new ScriptCodeCache(s.settings, 256, 2);
    await expect(cache.get('f/a', 'h2')).rejects.toBeInstanceOf(DatabaseError);
    expect(s.calls()).toBe(3);
  });
});
