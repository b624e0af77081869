import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb } from '@millrace/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { millrace } from './test-support';

let t: TestDb;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await openTestDb('postgres');
  env = { DATABASE_URL: t.url };
  await new Settings(t.db).deployScript({ path: 'f/app/report', content: 'export const main = () => 1;' });
});
afterAll(() => t.drop());

it('sets, lists, disables, enables and deletes a schedule', async () => {
  const set = await millrace(
    [
      'schedule',
      'set',
      'nightly',
      '--path',
      'f/app/report',
      '--cron',
      '0 3 * * *',
      '--timezone',
      'Europe/Paris',
      '--args',
      '{"full":true}',
    ],
    env,
  );
  expect(set.error).toBeUndefined();
  expect(set.out).toMatch(
    /^nightly {2}enabled {3}0 3 \* \* \* \(Europe\/Paris\) {2}f\/app\/report {2}next 20\d\d-/,
  );
  const listed = await millrace(['schedule', 'list'], env);
  expect(listed.out).toMatch(/^nightly {2}enabled .* last -$/);

  expect((await millrace(['schedule', 'disable', 'nightly'], env)).out).toMatch(/disabled .* next -$/);
  expect((await millrace(['schedule', 'enable', 'nightly'], env)).out).toMatch(/enabled .* next 20/);
  const settings = new Settings(t.db);
  expect(await settings.getSchedule('nightly')).toMatchObject({
    args: { full: true },
    catchUp: 'one',
    enabled: true,
  });

  expect((await millrace(['schedule', 'delete', 'nightly'], env)).out).toBe('deleted schedule nightly');
  expect((await millrace(['schedule', 'list'], env)).out).toBe('no schedules');
});

it('refuses bad input with a typed error and writes nothing', async () => {
  const badCron = await millrace(
    ['schedule', 'set', 'x', '--path', 'f/app/report', '--cron', '99 * * * *'],
    env,
  );
  expect(badCron.error).toMatchObject({ code: 'invalid_schedule' });
  const badPolicy = await millrace(
    ['schedule', 'set', 'x', '--path', 'f/app/report', '--cron', '* * * * *', '--catch-up', 'all'],
    env,
  );
  expect(badPolicy.error).toBeDefined();
  expect(badPolicy.err).toMatch(/catch-up/);
  const missing = await millrace(['schedule', 'delete', 'nope'], env);
  expect(missing.error).toMatchObject({ code: 'schedule_not_found' });
  expect(await new Settings(t.db).listSchedules()).toEqual([]);
});
