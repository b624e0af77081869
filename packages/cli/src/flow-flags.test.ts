import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { millrace } from './test-support';

// `millrace run` with the flow-control flags, against the database the command opens (no worker).
describe.runIf(testDrivers().includes('postgres'))('run with flow-control flags', () => {
  let t: TestDb;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await openTestDb('postgres');
    env = { DATABASE_URL: t.url };
    await new Settings(t.db).deployScript({ path: 'f/app/sync', content: 'export const main = () => 1;' });
  });
  afterAll(() => t.drop());

  it('--unique-key prints the queued job id on a second run; the job keeps its keys', async () => {
    const flags = ['--unique-key', 'sync:1', '--concurrency-key', 'tenant', '--concurrency-limit', '2'];
    const first = await millrace(['run', 'f/app/sync', ...flags], env);
    const second = await millrace(['run', 'f/app/sync', '--args', '{"n":2}', ...flags], env);
    expect(first.error).toBeUndefined();
    expect(second.out).toBe(first.out);
    expect(await new Queue(t.db).get(first.out)).toMatchObject({
      uniqueKey: 'sync:1',
      concurrencyKey: 'tenant',
    });
  });

  it('--debounce replaces the args; --rate-limit takes max/ms', async () => {
    const a = await millrace(
      ['run', 'f/app/sync', '--unique-key', 'd', '--debounce', '0', '--args', '{"v":1}'],
      env,
    );
    const b = await millrace(
      ['run', 'f/app/sync', '--unique-key', 'd', '--debounce', '0', '--args', '{"v":2}'],
      env,
    );
    expect(b.out).toBe(a.out);
    expect((await new Queue(t.db).get(a.out)).args).toEqual({ v: 2 });
    const rated = await millrace(
      ['run', 'f/app/sync', '--concurrency-key', 'smtp', '--rate-limit', '5/1000'],
      env,
    );
    expect(rated.error).toBeUndefined();
  });

  it('refuses malformed values before touching the database', async () => {
    for (const flags of [
      ['--rate-limit', 'five'],
      ['--debounce', '-1'],
      ['--concurrency-limit', '0'],
    ]) {
      const res = await millrace(['run', 'f/app/sync', '--concurrency-key', 'k', ...flags], env);
      expect(res.error).toBeDefined();
    }
    const unkeyed = await millrace(['run', 'f/app/sync', '--debounce', '5'], env);
    expect(unkeyed.error).toMatchObject({ code: 'invalid_job_options' });
  });
});
