import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptNotFoundError, Settings } from './index';

const PATH = 'f/tags/probe';

describe.each(testDrivers())('tag resolution on %s', (driver) => {
  let t: TestDb;
  let settings: Settings;
  beforeAll(async () => {
    t = await openTestDb(driver);
    settings = new Settings(t.db);
    await settings.deployScript({ path: PATH, content: 'export const main = () => 1;' });
  });
  afterAll(() => t.drop());

  /** tagFor, getScript, listScripts and jobDefaults must agree, whatever the settings. */
  const resolved = async () => {
    const tag = await settings.tagFor(PATH);
    expect((await settings.getScript(PATH)).resolvedTag).toBe(tag);
    expect((await settings.listScripts()).find((s) => s.path === PATH)?.resolvedTag).toBe(tag);
    expect((await settings.jobDefaults([PATH])).get(PATH)?.tag).toBe(tag);
    return tag;
  };

  it('is node with no tag and not dedicated', async () => {
    expect(await resolved()).toBe('node');
  });

  it("is the script's tag when set", async () => {
    await settings.setScriptSettings(PATH, { tag: 'gpu' });
    expect(await resolved()).toBe('gpu');
  });

  it('is dedicated:<path> when dedicated, even with a tag', async () => {
    const res = await settings.setScriptSettings(PATH, { dedicated: true });
    expect(res.resolvedTag).toBe(`dedicated:${PATH}`);
    expect(await resolved()).toBe(`dedicated:${PATH}`);
  });

  it('goes back to the tag when dedicated is turned off, and to node when the tag is cleared', async () => {
    await settings.setScriptSettings(PATH, { dedicated: false });
    expect(await resolved()).toBe('gpu');
    await settings.setScriptSettings(PATH, { tag: null });
    expect(await resolved()).toBe('node');
  });

  it('refuses an unknown script', async () => {
    await expect(settings.tagFor('f/no/such')).rejects.toBeInstanceOf(ScriptNotFoundError);
  });
});
