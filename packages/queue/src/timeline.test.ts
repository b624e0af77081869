import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('timeline on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it("gives each finished job its worker and its start and end by the worker's clock", async () => {
    const [a, b] = await f.queue.pushMany([{ path: 'f/test/noop' }, { path: 'f/test/other' }]);
    const claimed = await f.queue.claim('w-gen', ['node'], 2);
    expect(claimed.map((j) => j.id).sort()).toEqual([a, b].sort());
    const t0 = Date.now() - 100;
    await f.queue.complete([
      {
        id: a,
        token: claimed.find((j) => j.id === a)?.token as string,
        status: 'success',
        result: 1,
        startedAt: t0,
        durationMs: 7,
      },
      {
        id: b,
        token: claimed.find((j) => j.id === b)?.token as string,
        status: 'failure',
        error: { message: 'no' },
        retryable: false,
        startedAt: t0 + 9,
        durationMs: 3,
      },
    ]);
    const bars = await f.queue.timeline({ windowMs: 60_000 });
    const pushedAt = (await f.queue.get(a)).createdAt.getTime();
    // pushed at the database's clock, to the microsecond (a Date keeps the milliseconds)
    expect(Math.floor(bars.find((j) => j.id === a)?.queuedMs ?? 0)).toBe(pushedAt);
    expect(bars.find((j) => j.id === a)).toEqual({
      queuedMs: expect.any(Number),
      id: a,
      path: 'f/test/noop',
      tag: 'node',
      status: 'success',
      worker: 'w-gen',
      attempt: 1,
      startMs: t0,
      endMs: t0 + 7,
    });
    expect(bars.find((j) => j.id === b)).toMatchObject({
      status: 'failure',
      startMs: t0 + 9,
      endMs: t0 + 12,
    });
  });

  it('shows running jobs with no end and leaves out jobs that never started', async () => {
    const running = await f.queue.push('f/test/noop', {}, { tag: 'slow' });
    const [claimed] = await f.queue.claim('w-slow', ['slow'], 1);
    expect(claimed.id).toBe(running);
    const never = await f.queue.push('f/test/noop', {}, { tag: 'nobody' });
    await f.queue.cancel(never);
    const bars = await f.queue.timeline();
    expect(bars.find((j) => j.id === running)).toMatchObject({
      status: 'running',
      worker: 'w-slow',
      endMs: null,
    });
    expect(bars.find((j) => j.id === running)?.startMs).toBeGreaterThan(0);
    expect(bars.some((j) => j.id === never)).toBe(false);
    await f.queue.complete([{ id: running, token: claimed.token, status: 'success', result: null }]);
  });

  it('reads only the recent window, newest first, at most `limit` finished jobs', async () => {
    const ids = await f.queue.pushMany(
      [1, 2, 3, 4].map((n) => ({ path: 'f/test/noop', args: { n }, tag: 'win' })),
    );
    for (const id of ids) {
      const [c] = await f.queue.claim('w-win', ['win'], 1);
      expect(c.id).toBe(id);
      await f.queue.complete([{ id, token: c.token, status: 'success', result: null }]);
    }
    // The oldest finished an hour ago: outside a one-minute window.
    await f.db.query(
      `UPDATE millrace.job_completed SET completed_at = now() - interval '1 hour' WHERE id = $1`,
      [ids[0]],
    );
    const inWindow = (await f.queue.timeline({ windowMs: 60_000 })).filter((j) => j.worker === 'w-win');
    expect(inWindow.map((j) => j.id).sort()).toEqual(ids.slice(1).sort());
    const limited = (await f.queue.timeline({ windowMs: 60_000, limit: 2 })).filter((j) => j.endMs !== null);
    expect(limited).toHaveLength(2);
    expect(limited.map((j) => j.id)).toEqual([ids[3], ids[2]]);
  });
});
