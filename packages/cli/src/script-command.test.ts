import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb } from '@millrace/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { millrace } from './test-support';

const PATH = 'f/app/charge';
let t: TestDb;
let env: NodeJS.ProcessEnv;
let settings: Settings;
beforeAll(async () => {
  t = await openTestDb('postgres');
  env = { DATABASE_URL: t.url };
  settings = new Settings(t.db);
  await settings.deployScript({ path: PATH, content: 'export const main = () => 1;' });
});
afterAll(() => t.drop());

it('shows a script’s settings, changes those given and removes limits with --no-X', async () => {
  const shown = await millrace(['script', 'settings', PATH], env);
  expect(shown.error).toBeUndefined();
  expect(shown.out).toBe(
    `${PATH}  tag - (jobs get node)  dedicated no  timeout default  max-attempts 1  priority 0  max-running -  rate-limit -`,
  );

  const set = await millrace(
    [
      'script',
      'settings',
      PATH,
      '--max-running',
      '2',
      '--rate-limit',
      '10/60000',
      '--priority',
      '-5',
      '--tag',
      'billing',
    ],
    env,
  );
  expect(set.error).toBeUndefined();
  expect(set.out).toMatch(
    /tag billing \(jobs get billing\) .* priority -5 {2}max-running 2 {2}rate-limit 10\/60000ms$/,
  );
  expect((await settings.getScript(PATH)).settings).toMatchObject({
    tag: 'billing',
    priority: -5,
    maxRunning: 2,
    rateLimit: { max: 10, windowMs: 60_000 },
  });

  // flags left out keep their value; --no-X removes
  await millrace(['script', 'settings', PATH, '--no-max-running', '--dedicated', '--timeout', '5000'], env);
  expect((await settings.getScript(PATH)).settings).toMatchObject({
    dedicated: true,
    tag: 'billing',
    timeoutMs: 5000,
    maxRunning: null,
    rateLimit: { max: 10, windowMs: 60_000 },
  });
  const cleared = await millrace(
    ['script', 'settings', PATH, '--no-rate-limit', '--no-tag', '--no-timeout', '--no-dedicated'],
    env,
  );
  expect(cleared.out).toMatch(/tag - \(jobs get node\) {2}dedicated no {2}timeout default .* rate-limit -$/);
});

it('refuses bad input with a typed error and writes nothing', async () => {
  const before = (await settings.getScript(PATH)).settings;
  const zeroRate = await millrace(
    ['script', 'settings', PATH, '--rate-limit', '0/1000', '--priority', '7'],
    env,
  );
  expect(zeroRate.error).toMatchObject({ code: 'invalid_settings' });
  const tooHigh = await millrace(['script', 'settings', PATH, '--priority', '5000'], env);
  expect(tooHigh.error).toMatchObject({ code: 'invalid_settings' });
  const notANumber = await millrace(['script', 'settings', PATH, '--max-running', '0'], env);
  expect(notANumber.err).toMatch(/--max-running/);
  const missing = await millrace(['script', 'settings', 'f/app/nope', '--priority', '1'], env);
  expect(missing.error).toMatchObject({ code: 'script_not_found' });
  const malformed = await millrace(['script', 'settings', 'nope'], env);
  expect(malformed.error).toMatchObject({ code: 'invalid_path' });
  expect((await settings.getScript(PATH)).settings).toEqual(before);
});
