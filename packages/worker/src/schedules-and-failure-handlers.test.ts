// Every worker runs a scheduler loop: scheduled runs and failure handler jobs appear and run with
// nothing but workers started (in-host handlers, so no process is spawned per job).
import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture } from './test-support';

describe.each(testDrivers())('schedules and failure handlers in workers on %s', (driver) => {
  let f: WorkerFixture;
  const failures: unknown[] = [];
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.settings.setWorkerGroup('cron', { tags: ['cron'] });
    const handlers = {
      'f/cron/tick': async () => ({ ticked: true }),
      'f/cron/flaky': async () => {
        throw new Error('flaky failed');
      },
      'f/cron/alert': async (args: unknown) => {
        failures.push(args);
        return { alerted: true };
      },
    };
    // two workers of one group, each with its own scheduler loop
    for (let i = 0; i < 2; i++) await f.start({ group: 'cron', handlers });
    for (const path of Object.keys(handlers)) await f.settings.setScriptSettings(path, { tag: 'cron' });
  });
  afterAll(() => f.drop());

  it('runs a schedule every second, one job per tick across the two workers', async () => {
    await f.settings.setSchedule('every-second', { path: 'f/cron/tick', cron: '* * * * * *' });
    const done = await waitFor(
      async () => {
        const jobs = await f.queue.list({ path: 'f/cron/tick', status: 'success' });
        return jobs.length >= 3 ? jobs : null;
      },
      { message: 'three scheduled runs succeeded' },
    );
    await f.settings.setSchedule('every-second', { enabled: false });
    const ticks = await Promise.all(done.map(async (j) => (await f.queue.get(j.id)).schedule));
    expect(ticks.every((t) => t?.name === 'every-second')).toBe(true);
    expect(new Set(ticks.map((t) => t?.tick.getTime())).size).toBe(ticks.length);
  });

  it('runs the failure handler once with the failed job, and the UI-visible origin', async () => {
    await f.settings.setFailureHandler({ group: 'cron' }, 'f/cron/alert');
    const id = await f.queue.push('f/cron/flaky', { user: 42 });
    expect(await f.finished(id)).toMatchObject({ status: 'failure' });
    await waitFor(() => failures.length >= 1, { message: 'the handler ran' });
    expect(failures).toEqual([
      {
        failedJob: expect.objectContaining({
          id,
          path: 'f/cron/flaky',
          args: { user: 42 },
          error: expect.objectContaining({ message: 'flaky failed' }),
        }),
      },
    ]);
    const [handlerJob] = await f.queue.list({ path: 'f/cron/alert' });
    expect(await f.finished(handlerJob.id)).toMatchObject({ status: 'success' });
    expect(await f.queue.get(handlerJob.id)).toMatchObject({ failureOf: id });
  });
});
