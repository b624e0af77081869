import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('wait and logs on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('wakes a waiter when its job completes', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'wait' });
    const waiting = f.queue.wait(id, { timeoutMs: 20_000 });
    const [c] = await f.queue.claim('w', ['wait'], 1);
    await f.queue.complete([{ id, token: c.token, status: 'success', result: 42 }]);
    const started = Date.now();
    expect(await waiting).toMatchObject({ id, status: 'success', result: 42 });
    // woken by NOTIFY, well before the 1 s fallback poll
    expect(Date.now() - started).toBeLessThan(900);
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
