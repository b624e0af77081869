import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptNotFoundError } from './index';
import { openSettingsFixture, type SettingsFixture } from './test-support';

const PATH = 'f/tags/probe';

describe.each(testDrivers())('tag resolution on %s', (driver) => {
  let f: SettingsFixture;
  beforeAll(async () => {
    f = await openSettingsFixture(driver, [PATH]);
  });
  afterAll(() => f.drop());

  /** tagFor, getScript, listScripts and jobDefaults must agree, whatever the f.settings. */
  const resolved = async () => {
    const tag = await f.settings.tagFor(PATH);
    expect((await f.settings.getScript(PATH)).resolvedTag).toBe(tag);
    expect((await f.settings.listScripts()).find((s) => s.path === PATH)?.resolvedTag).toBe(tag);
    expect((await f.settings.jobDefaults([PATH])).get(PATH)?.tag).toBe(tag);
    return tag;
  };

  it('is node with no tag and not dedicated', async () => {
    expect(await resolved()).toBe('node');
  });

  it("is the script's tag when set", async () => {
    await f.settings.setScriptSettings(PATH, { tag: 'gpu' });
    expect(await resolved()).toBe('gpu');
  });

  it('is dedicated:<path> when dedicated, even with a tag', async () => {
    const res = await f.settings.setScriptSettings(PATH, { dedicated: true });
    expect(res.resolvedTag).toBe(`dedicated:${PATH}`);
    expect(await resolved()).toBe(`dedicated:${PATH}`);
  });

  it('goes back to the tag when dedicated is turned off, and to node when the tag is cleared', async () => {
    await f.settings.setScriptSettings(PATH, { dedicated: false });
    expect(await resolved()).toBe('gpu');
    await f.settings.setScriptSettings(PATH, { tag: null });
    expect(await resolved()).toBe('node');
  });

  it('refuses an unknown script', async () => {
    await expect(f.settings.tagFor('f/no/such')).rejects.toBeInstanceOf(ScriptNotFoundError);
  });
});
