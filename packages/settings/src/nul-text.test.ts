// PostgreSQL text cannot hold NUL: content, env values and init scripts with one are refused with
// the package's typed errors before anything is written (not a database error).
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidScriptError, InvalidWorkerGroupError } from './index';
import { openSettingsFixture, type SettingsFixture } from './test-support';

describe.each(testDrivers())('NUL in stored text on %s', (driver) => {
  let f: SettingsFixture;
  beforeAll(async () => {
    f = await openSettingsFixture(driver, ['f/nul/a']);
  });
  afterAll(() => f.drop());

  it('refuses script content with NUL, writing no version', async () => {
    const before = await f.settings.listVersions('f/nul/a');
    const err = await f.settings
      .deployScript({ path: 'f/nul/a', content: 'export function main() {}\u0000', language: 'javascript' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidScriptError);
    expect(await f.settings.listVersions('f/nul/a')).toEqual(before);
  });

  it('refuses env values and init scripts with NUL, leaving the group as it was', async () => {
    const group = await f.settings.setWorkerGroup('nul', { env: { A: 'b' }, initScript: 'true' });
    for (const input of [{ env: { A: 'x\u0000' } }, { initScript: 'echo\u0000' }]) {
      expect(await f.settings.setWorkerGroup('nul', input).catch((e) => e)).toBeInstanceOf(
        InvalidWorkerGroupError,
      );
    }
    expect(await f.settings.getWorkerGroup('nul')).toEqual(group);
    expect(await f.settings.setWorkerGroup('fresh', { initScript: '\u0000' }).catch((e) => e)).toBeInstanceOf(
      InvalidWorkerGroupError,
    );
    expect((await f.settings.listWorkerGroups()).map((g) => g.name)).not.toContain('fresh');
  });
});
