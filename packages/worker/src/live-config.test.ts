import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

describe.each(testDrivers())('live group config on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.deploy('f/live/noop', 'export const main = () => "ok";');
  });
  afterAll(() => f.drop());

  it('serves new tags as soon as the group changes, without a restart', async () => {
    await f.settings.setWorkerGroup('live', { tags: ['alpha'] });
    const worker = await f.start({ group: 'live' });
    const beta = await f.queue.push('f/live/noop', {}, { tag: 'beta' });
    await waitFor(async () => (await f.queue.counts()).tagsWithoutWorkers.includes('beta'));
    expect((await f.queue.get(beta)).status).toBe('queued');

    await f.settings.setWorkerGroup('live', { tags: ['alpha', 'beta'] });
    expect(await f.finished(beta)).toMatchObject({ status: 'success', worker: worker.name });
    await waitFor(async () =>
      (await f.queue.workers()).find((w) => w.name === worker.name)?.tags.includes('beta'),
    );
    expect((await f.queue.counts()).tagsWithoutWorkers).toEqual([]);
  });

  it('counts the jobs it has done in the registry', async () => {
    const ids = await f.queue.pushMany([1, 2, 3].map(() => ({ path: 'f/live/noop', tag: 'alpha' })));
    await Promise.all(ids.map((id) => f.finished(id)));
    await waitFor(
      async () => ((await f.queue.workers()).find((w) => w.group === 'live')?.jobsDone ?? 0) >= 4,
    );
  });
});
