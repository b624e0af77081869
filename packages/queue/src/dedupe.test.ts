import { openDb } from '@millrace/db';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJobOptionsError, Queue } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('unique keys (dedupe and debounce) on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  const liveJobs = async (key: string) =>
    (
      await f.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM millrace.jobs j JOIN millrace.job_queue q ON q.id = j.id WHERE j.unique_key = $1',
        [key],
      )
    ).rows[0].n;

  it('a second push of a queued key returns the queued job, and writes no job', async () => {
    const a = await f.queue.push('f/test/noop', { n: 1 }, { tag: 'd1', uniqueKey: 'report:1' });
    const b = await f.queue.push('f/test/noop', { n: 2 }, { tag: 'd1', uniqueKey: 'report:1' });
    expect(b).toBe(a);
    expect(await f.queue.get(a)).toMatchObject({ args: { n: 1 }, uniqueKey: 'report:1', status: 'queued' });
    expect(await liveJobs('report:1')).toBe(1);
  });

  it('once the job is claimed the key is free again, unless the push asks to dedupe running jobs too', async () => {
    const a = await f.queue.push('f/test/noop', {}, { tag: 'd2', uniqueKey: 'sync' });
    const [claimed] = await f.queue.claim('w', ['d2'], 1);
    expect(claimed.id).toBe(a);
    expect(
      await f.queue.push('f/test/noop', {}, { tag: 'd2', uniqueKey: 'sync', uniqueWhileRunning: true }),
    ).toBe(a);
    const b = await f.queue.push('f/test/noop', {}, { tag: 'd2', uniqueKey: 'sync' });
    expect(b).not.toBe(a);
    // now a queued one exists: both modes return it
    expect(
      await f.queue.push('f/test/noop', {}, { tag: 'd2', uniqueKey: 'sync', uniqueWhileRunning: true }),
    ).toBe(b);
    // the first job fails and is retried: it never takes the key back, so nothing collides
    await f.queue.fail(a, claimed.token, { message: 'boom' });
    expect(await f.queue.push('f/test/noop', {}, { tag: 'd2', uniqueKey: 'sync' })).toBe(b);
  });

  it('debounce replaces the queued job args and pushes its start back', async () => {
    const a = await f.queue.push(
      'f/test/noop',
      { v: 1 },
      { tag: 'd3', uniqueKey: 'search-index', debounceMs: 0 },
    );
    const before = await f.queue.get(a);
    const b = await f.queue.push(
      'f/test/noop',
      { v: 2 },
      { tag: 'd3', uniqueKey: 'search-index', debounceMs: 60_000 },
    );
    expect(b).toBe(a);
    const after = await f.queue.get(a);
    expect(after.args).toEqual({ v: 2 });
    expect((after.scheduledFor as Date).getTime()).toBeGreaterThan(
      (before.scheduledFor as Date).getTime() + 50_000,
    );
    expect(await f.queue.claim('w', ['d3'], 1)).toEqual([]);
  });

  it('debounce on a key whose job already started pushes a new job', async () => {
    const a = await f.queue.push('f/test/noop', { v: 1 }, { tag: 'd4', uniqueKey: 'k4', debounceMs: 0 });
    await f.queue.claim('w', ['d4'], 1);
    const b = await f.queue.push('f/test/noop', { v: 2 }, { tag: 'd4', uniqueKey: 'k4', debounceMs: 0 });
    expect(b).not.toBe(a);
    expect((await f.queue.get(a)).args).toEqual({ v: 1 });
    expect((await f.queue.get(b)).args).toEqual({ v: 2 });
  });

  it('pushMany: duplicates in one batch get one job, in input order with the others', async () => {
    const ids = await f.queue.pushMany([
      { path: 'f/test/noop', args: { i: 0 }, tag: 'd5', uniqueKey: 'a' },
      { path: 'f/test/noop', args: { i: 1 }, tag: 'd5' },
      { path: 'f/test/noop', args: { i: 2 }, tag: 'd5', uniqueKey: 'a' },
      { path: 'f/test/noop', args: { i: 3 }, tag: 'd5', uniqueKey: 'b' },
    ]);
    expect(ids[0]).toBe(ids[2]);
    expect(new Set(ids).size).toBe(3);
    expect((await f.queue.get(ids[0])).args).toEqual({ i: 0 });
    const again = await f.queue.pushMany([
      { path: 'f/test/noop', args: { i: 4 }, tag: 'd5', uniqueKey: 'b', debounceMs: 0 },
      { path: 'f/test/noop', args: { i: 5 }, tag: 'd5', uniqueKey: 'b', debounceMs: 0 },
    ]);
    expect(again).toEqual([ids[3], ids[3]]);
    // the last push of a debounced key wins
    expect((await f.queue.get(ids[3])).args).toEqual({ i: 5 });
    const claimed = await f.queue.claim('w', ['d5'], 10);
    expect(claimed.map((j) => j.id).sort()).toEqual([...new Set(ids)].sort());
  });

  it('refuses options that need a unique key or contradict each other, and writes nothing', async () => {
    const before = await f.db.query('SELECT count(*)::int AS n FROM millrace.jobs');
    for (const options of [
      { debounceMs: 10 },
      { uniqueWhileRunning: true },
      { uniqueKey: '' },
      { uniqueKey: 'x\u0000' },
      { uniqueKey: 'k', debounceMs: 5, scheduledFor: new Date() },
      { uniqueKey: 'k', debounceMs: 5, uniqueWhileRunning: true },
      { uniqueKey: 'k', debounceMs: -1 },
    ]) {
      await expect(f.queue.push('f/test/noop', {}, options)).rejects.toBeInstanceOf(InvalidJobOptionsError);
    }
    expect(await f.db.query('SELECT count(*)::int AS n FROM millrace.jobs')).toEqual(before);
  });

  // PGlite is one connection: pushes never overlap there
  it.runIf(driver === 'postgres')('8 connections pushing one key at once make one job', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race:${round}`;
      const ids = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const db = await openDb({ url: f.url, poolSize: 1, migrate: false });
          try {
            return await new Queue(db).push(
              'f/test/noop',
              { i },
              { tag: 'd6', uniqueKey: key, debounceMs: i % 2 ? 0 : undefined },
            );
          } finally {
            await db.close();
          }
        }),
      );
      expect(new Set(ids).size).toBe(1);
      expect(await liveJobs(key)).toBe(1);
    }
  });
});
