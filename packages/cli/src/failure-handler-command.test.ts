import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb } from '@millrace/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { millrace } from './test-support';

let t: TestDb;
let env: NodeJS.ProcessEnv;
let settings: Settings;
beforeAll(async () => {
  t = await openTestDb('postgres');
  env = { DATABASE_URL: t.url };
  settings = new Settings(t.db);
  for (const path of ['f/app/charge', 'f/ops/alert', 'f/ops/page'])
    await settings.deployScript({ path, content: 'export const main = () => 1;' });
});
afterAll(() => t.drop());

it('sets, lists and clears the failure handlers of a script and of a worker group', async () => {
  expect((await millrace(['failure-handler', 'list'], env)).out).toBe('no failure handlers');
  const set = await millrace(['failure-handler', 'set', 'f/ops/alert', '--script', 'f/app/charge'], env);
  expect(set.error).toBeUndefined();
  expect(set.out).toBe('script f/app/charge  →  f/ops/alert');
  await millrace(['failure-handler', 'set', 'f/ops/page', '--group', 'default'], env);
  expect((await millrace(['failure-handler', 'list'], env)).out).toBe(
    'script f/app/charge  →  f/ops/alert\ngroup default  →  f/ops/page',
  );
  expect((await settings.listFailureHandlers()).map((h) => [h.scope, h.target, h.handler])).toEqual([
    ['script', 'f/app/charge', 'f/ops/alert'],
    ['group', 'default', 'f/ops/page'],
  ]);

  const cleared = await millrace(['failure-handler', 'clear', '--script', 'f/app/charge'], env);
  expect(cleared.out).toBe('removed the failure handler of script f/app/charge');
  const again = await millrace(['failure-handler', 'clear', '--script', 'f/app/charge'], env);
  expect(again.out).toBe('script f/app/charge had no failure handler');
  await millrace(['failure-handler', 'clear', '--group', 'default'], env);
  expect(await settings.listFailureHandlers()).toEqual([]);
});

it('refuses bad input with a typed error and writes nothing', async () => {
  const both = await millrace(
    ['failure-handler', 'set', 'f/ops/alert', '--script', 'f/app/charge', '--group', 'x'],
    env,
  );
  expect(both.error).toMatchObject({ code: 'bad_flags' });
  const neither = await millrace(['failure-handler', 'clear'], env);
  expect(neither.error).toMatchObject({ code: 'bad_flags' });
  const unknown = await millrace(['failure-handler', 'set', 'f/ops/nope', '--script', 'f/app/charge'], env);
  expect(unknown.error).toMatchObject({ code: 'script_not_found' });
  const malformed = await millrace(['failure-handler', 'set', 'nope', '--script', 'f/app/charge'], env);
  expect(malformed.error).toMatchObject({ code: 'invalid_failure_handler' });
  expect(await settings.listFailureHandlers()).toEqual([]);
});
