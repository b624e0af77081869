import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('fencing on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('refuses a completion whose claim token is stale and keeps the re-run result', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'fence' });
    const [slow] = await f.queue.claim('slow-worker', ['fence'], 1);
    // the slow worker stops pinging; the reaper hands the job to another worker
    await f.db.query("UPDATE millrace.job_queue SET last_ping = now() - interval '1 hour' WHERE id = $1", [
      id,
    ]);
    expect(await f.queue.reapZombies({ staleAfterMs: 1000 })).toEqual({ requeued: [id], failed: [] });
    const [fast] = await f.queue.claim('fast-worker', ['fence'], 1);
    expect(fast.token).not.toBe(slow.token);

    const late = await f.queue.complete([{ id, token: slow.token, status: 'success', result: 'stale' }]);
    expect(late).toEqual({ completed: [], retried: [], stale: [id] });
    expect(await f.queue.heartbeat('slow-worker', [{ id, token: slow.token }])).toEqual({
      canceled: [],
      lost: [id],
    });

    await f.queue.complete([{ id, token: fast.token, status: 'success', result: 'fresh' }]);
    const job = await f.queue.get(id);
    expect(job).toMatchObject({ status: 'success', result: 'fresh', worker: 'fast-worker', attempt: 2 });
    const again = await f.queue.complete([{ id, token: fast.token, status: 'success', result: 'twice' }]);
    expect(again.stale).toEqual([id]);
    expect((await f.queue.get(id)).result).toBe('fresh');
  });

  it('sorts one batch into completed, retried and stale, and a repeated id is completed once', async () => {
    const [done, retry, stale, twice] = await f.queue.pushMany(
      [1, 2, 3, 4].map(() => ({ path: 'f/test/noop', tag: 'mixed', maxAttempts: 2 })),
    );
    const jobs = await f.queue.claim('w-mixed', ['mixed'], 4);
    const token = new Map(jobs.map((j) => [j.id, j.token]));
    const report = await f.queue.complete([
      { id: done, token: token.get(done) as string, status: 'success', result: 1 },
      { id: retry, token: token.get(retry) as string, status: 'failure', error: { message: 'again' } },
      { id: stale, token: '999999999', status: 'success', result: 3 },
      { id: twice, token: token.get(twice) as string, status: 'success', result: 4 },
      { id: twice, token: token.get(twice) as string, status: 'success', result: 4 },
    ]);
    expect(report).toEqual({ completed: [done, twice, twice], retried: [retry], stale: [stale] });
    expect((await f.queue.get(done)).status).toBe('success');
    expect((await f.queue.get(retry)).status).toBe('queued');
    expect((await f.queue.get(stale)).status).toBe('running');
    expect((await f.queue.get(twice)).result).toBe(4);
  });
});

describe.each(testDrivers())('orphaned claims on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('gives back claims a worker does not hold, without counting the attempt', async () => {
    const [held, orphan] = await f.queue.pushMany(
      [1, 2].map(() => ({ path: 'f/test/noop', tag: 'orphans' })),
    );
    await f.queue.claim('w-orphans', ['orphans'], 2); // imagine the reply for `orphan` was lost
    expect(await f.queue.releaseOrphanedClaims('w-orphans', [held])).toEqual([orphan]);
    expect(await f.queue.get(orphan)).toMatchObject({ status: 'queued', attempt: 0 });
    expect((await f.queue.get(held)).status).toBe('running');
  });
});
