import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('counts and the worker registry on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('counts per status and tag and names tags that no live worker serves', async () => {
    await f.queue.pushMany([1, 2, 3].map(() => ({ path: 'f/test/noop', tag: 'served' })));
    await f.queue.push('f/test/noop', {}, { tag: 'dedicated:f/test/noop' });
    await f.queue.registerWorker({ name: 'w-served', group: 'default', tags: ['served'], pid: 1, host: 'h' });
    const [c] = await f.queue.claim('w-served', ['served'], 1);
    await f.queue.complete([{ id: c.id, token: c.token, status: 'success', result: null }]);
    const counts = await f.queue.counts();
    expect(counts.byStatus).toEqual({ queued: 3, running: 0, success: 1, failure: 0, canceled: 0 });
    expect(counts.byTag).toEqual([
      { tag: 'dedicated:f/test/noop', queued: 1, running: 0, served: false },
      { tag: 'served', queued: 2, running: 0, served: true },
    ]);
    expect(counts.tagsWithoutWorkers).toEqual(['dedicated:f/test/noop']);
  });

  it('lists live workers and marks stopped ones', async () => {
    await f.queue.registerWorker({
      name: 'w-2',
      group: 'g',
      tags: ['a'],
      dedicatedScript: null,
      pid: 2,
      host: 'h',
    });
    await f.queue.heartbeat('w-2', [], 17);
    await f.queue.stopWorker('w-served');
    const workers = await f.queue.workers();
    expect(workers.find((w) => w.name === 'w-2')).toMatchObject({
      alive: true,
      jobsDone: 17,
      group: 'g',
      tags: ['a'],
    });
    expect(workers.find((w) => w.name === 'w-served')).toMatchObject({ alive: false });
    expect((await f.queue.counts()).tagsWithoutWorkers).toContain('served');
  });

  it('reports throughput per tag', async () => {
    const rows = await f.queue.throughput({ minutes: 5, bucketSeconds: 60 });
    expect(rows.find((r) => r.tag === 'served')?.count).toBe(1);
  });
});
