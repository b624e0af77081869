import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('zombie reaping on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { maxLostAttempts: 2 });
  });
  afterAll(() => f.drop());

  const age = (id: string) =>
    f.db.query("UPDATE millrace.job_queue SET last_ping = now() - interval '10 minutes' WHERE id = $1", [id]);

  it('leaves jobs with a recent heartbeat alone', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'z0' });
    const [c] = await f.queue.claim('w', ['z0'], 1);
    await f.queue.heartbeat('w', [{ id, token: c.token }]);
    expect(await f.queue.reapZombies({ staleAfterMs: 60_000 })).toEqual({ requeued: [], failed: [] });
  });

  // PGlite is one session: statements never run side by side there, so nothing to wait on
  it.runIf(driver === 'postgres')(
    'never waits on a row another statement holds, and still reports the job as owned',
    async () => {
      const id = await f.queue.push('f/test/noop', {}, { tag: 'z4' });
      const [c] = await f.queue.claim('w', ['z4'], 1);
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      // another statement (a completion, a reaper) holds the row's lock
      const holder = f.db.transaction(async (tx) => {
        await tx.query('SELECT id FROM millrace.job_queue WHERE id = $1 FOR UPDATE', [id]);
        locked();
        await released;
      });
      await isLocked;
      try {
        const report = await Promise.race([
          f.queue.heartbeat('w', [{ id, token: c.token }]),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('the ping waited on the lock')), 5_000),
          ),
        ]);
        expect(report).toEqual({ canceled: [], lost: [] });
      } finally {
        release();
        await holder;
      }
    },
  );

  it('re-queues a lost job without using up its attempts, then fails it naming the worker', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'z1', maxAttempts: 1 });
    for (const worker of ['dead-1', 'dead-2']) {
      await f.queue.claim(worker, ['z1'], 1);
      await age(id);
      expect((await f.queue.reapZombies({ staleAfterMs: 60_000 })).requeued).toEqual([id]);
    }
    await f.queue.claim('dead-3', ['z1'], 1);
    await age(id);
    expect((await f.queue.reapZombies({ staleAfterMs: 60_000 })).failed).toEqual([id]);
    const job = await f.queue.get(id);
    expect(job.status).toBe('failure');
    expect(job.error?.message).toMatch(/worker dead-3 stopped heartbeating/);
    expect((await f.queue.attempts(id)).map((a) => [a.status, a.worker])).toEqual([
      ['lost', 'dead-1'],
      ['lost', 'dead-2'],
    ]);
  });

  it('puts a re-queued job back at the head of the line, not behind jobs pushed while it ran', async () => {
    const lost = await f.queue.push('f/test/noop', {}, { tag: 'z3' });
    await f.queue.claim('dead', ['z3'], 1);
    const later = await f.queue.pushMany([
      { path: 'f/test/noop', tag: 'z3' },
      { path: 'f/test/noop', tag: 'z3' },
    ]);
    await age(lost);
    await f.queue.reapZombies({ staleAfterMs: 60_000 });
    expect((await f.queue.claim('alive', ['z3'], 3)).map((c) => c.id)).toEqual([lost, ...later]);
  });

  it('ends a lost job canceled when its cancel was requested', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'z2' });
    await f.queue.claim('w', ['z2'], 1);
    await f.queue.cancel(id);
    await age(id);
    await f.queue.reapZombies({ staleAfterMs: 60_000 });
    expect((await f.queue.get(id)).status).toBe('canceled');
  });
});
