import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('list filters over finished and live jobs on %s', (driver) => {
  let f: QueueFixture;
  // by path and tag: the ids of each outcome, oldest first
  const ids: Record<string, string[]> = {};
  beforeAll(async () => {
    f = await openQueueFixture(driver);
    const plan = [
      ['f/test/noop', 'a', 'success'],
      ['f/test/noop', 'a', 'failure'],
      ['f/test/other', 'a', 'failure'],
      ['f/test/noop', 'b', 'canceled'],
      ['f/test/other', 'b', 'success'],
      ['f/test/noop', 'b', 'failure'],
      ['f/test/other', 'a', 'queued'],
      ['f/test/noop', 'b', 'running'],
    ] as const;
    for (const [path, tag, outcome] of plan) {
      const id = await f.queue.push(path, {}, { tag });
      ids[outcome] = [...(ids[outcome] ?? []), id];
      if (outcome === 'queued') continue;
      const [job] = await f.queue.claim('w', [tag], 1);
      if (outcome === 'success')
        await f.queue.complete([{ id, token: job.token, status: 'success', result: 1 }]);
      if (outcome === 'failure')
        await f.queue.complete([
          { id, token: job.token, status: 'failure', error: { message: 'x' }, retryable: false },
        ]);
      if (outcome === 'canceled') await f.queue.complete([{ id, token: job.token, status: 'canceled' }]);
    }
  });
  afterAll(() => f.drop());

  const list = async (filter: Parameters<QueueFixture['queue']['list']>[0]) =>
    (await f.queue.list(filter)).map((j) => [j.id, j.path, j.tag, j.status]);

  it('failures alone, by path and by tag, newest first', async () => {
    const [f1, f2, f3] = ids.failure;
    expect(await list({ status: 'failure' })).toEqual([
      [f3, 'f/test/noop', 'b', 'failure'],
      [f2, 'f/test/other', 'a', 'failure'],
      [f1, 'f/test/noop', 'a', 'failure'],
    ]);
    expect((await list({ status: 'failure', path: 'f/test/noop' })).map((r) => r[0])).toEqual([f3, f1]);
    expect((await list({ status: ['failure', 'canceled'], tag: 'b' })).map((r) => r[0])).toEqual([
      f3,
      ids.canceled[0],
    ]);
    expect((await list({ status: 'failure', tag: 'a', path: 'f/test/other' })).map((r) => r[0])).toEqual([
      f2,
    ]);
    expect((await list({ status: 'failure', limit: 1, before: f3 })).map((r) => r[0])).toEqual([f2]);
    expect((await list({ status: 'failure', worker: 'nobody' })).length).toBe(0);
  });

  it('successes and finished mixes by path and tag', async () => {
    const [ok1, ok2] = ids.success;
    expect((await list({ status: 'success', path: 'f/test/other' })).map((r) => r[0])).toEqual([ok2]);
    expect((await list({ status: 'success', tag: 'a' })).map((r) => r[0])).toEqual([ok1]);
    expect((await list({ status: ['success', 'canceled'], tag: 'b' })).map((r) => r[0])).toEqual([
      ok2,
      ids.canceled[0],
    ]);
  });

  it('live jobs from the queue, and any status from every table', async () => {
    expect(await list({ status: ['queued', 'running'] })).toEqual([
      [ids.running[0], 'f/test/noop', 'b', 'running'],
      [ids.queued[0], 'f/test/other', 'a', 'queued'],
    ]);
    expect((await list({ status: 'running', worker: 'w' })).map((r) => r[0])).toEqual(ids.running);
    expect((await list({ status: ['queued', 'success'], tag: 'a' })).map((r) => r[0])).toEqual([
      ids.queued[0],
      ids.success[0],
    ]);
    expect((await list({ tag: 'a' })).length).toBe(4);
    expect((await list({ status: [] })).length).toBe(0);
  });
});
