import type { Db } from '@millrace/db';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

const HOUR = 3_600_000;

/**
 * `db` as seen by a Queue that only waits: `waiting` resolves once `wait()` has read its job a
 * second time (the first read inside its wait loop), so a completion after that can only reach it
 * by notification or poll. `deaf` drops every notification, as while the listener reconnects.
 */
function waiterDb(db: Db, { deaf = false } = {}) {
  let reads = 0;
  let loopStarted = () => {};
  const waiting = new Promise<void>((resolve) => {
    loopStarted = resolve;
  });
  const watched = new Proxy(db, {
    get(target, key) {
      if (key === 'listen' && deaf) return async () => async () => {};
      if (key !== 'query') return Reflect.get(target, key);
      return async (...args: Parameters<Db['query']>) => {
        const result = await target.query(...args);
        if (++reads === 2) loopStarted();
        return result;
      };
    },
  });
  return { db: watched, waiting };
}

describe.each(testDrivers())('wait and logs on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  /**
   * Completes a job once a Queue over `waiter` (see waiterDb) is waiting for it, with `waitPollMs`
   * between its reads; resolves to what its wait() returned.
   */
  async function completeWhileWaiting(waiter: ReturnType<typeof waiterDb>, waitPollMs: number, tag: string) {
    const queue = new Queue(waiter.db, { settings: f.settings, waitPollMs });
    const id = await f.queue.push('f/test/noop', {}, { tag });
    const waiting = queue.wait(id, { timeoutMs: HOUR });
    await waiter.waiting;
    const [c] = await f.queue.claim('w', [tag], 1);
    await f.queue.complete([{ id, token: c.token, status: 'success', result: tag }]);
    return { id, job: await waiting };
  }

  it('wakes a waiter by the notification that its job completed', async () => {
    // No poll within the test's time: only the notification can end this wait (else it hangs).
    const { id, job } = await completeWhileWaiting(waiterDb(f.db), HOUR, 'wait');
    expect(job).toMatchObject({ id, status: 'success', result: 'wait' });
  });

  it('wakes a waiter by its poll when the notification is lost', async () => {
    const { id, job } = await completeWhileWaiting(waiterDb(f.db, { deaf: true }), 20, 'wait-deaf');
    expect(job).toMatchObject({ id, status: 'success', result: 'wait-deaf' });
  });

  it('refuses a poll interval that is not a positive number of ms', () => {
    for (const waitPollMs of [0, -1, Number.NaN])
      expect(() => new Queue(f.db, { settings: f.settings, waitPollMs })).toThrow(RangeError);
  });

  it('returns at once for a finished job and times out for one that never finishes', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'wait2' });
    await expect(f.queue.wait(id, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'wait_timeout' });
    await f.queue.cancel(id);
    expect((await f.queue.wait(id)).status).toBe('canceled');
    await expect(f.queue.wait('123456789')).rejects.toMatchObject({ code: 'job_not_found' });
  });

  it('keeps log chunks in order per attempt, once each', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'logs' });
    await f.queue.appendLogs([
      { id, attempt: 1, seq: 1, text: 'second\n' },
      { id, attempt: 1, seq: 0, text: 'first\n' },
    ]);
    await f.queue.appendLogs([
      { id, attempt: 2, seq: 0, text: 'retry\n' },
      { id, attempt: 1, seq: 1, text: 'duplicate\n' },
    ]);
    expect(await f.queue.logs(id)).toBe('first\nsecond\nretry\n');
    const after = await f.queue.logChunks(id, { after: { attempt: 1, seq: 0 } });
    expect(after.map((c) => c.text)).toEqual(['second\n', 'retry\n']);
  });
});
