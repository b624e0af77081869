import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('cancel on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('ends a queued job canceled at once; it is never claimed', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'c1' });
    expect(await f.queue.cancel(id)).toEqual({ status: 'canceled' });
    expect((await f.queue.get(id)).status).toBe('canceled');
    expect(await f.queue.claim('w', ['c1'], 10)).toEqual([]);
  });

  it('flags a running job; its worker sees the flag on heartbeat and completes it canceled', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'c2', maxAttempts: 3 });
    const [c] = await f.queue.claim('w', ['c2'], 1);
    expect(await f.queue.cancel(id)).toEqual({ status: 'cancel_requested' });
    expect((await f.queue.get(id)).cancelRequested).toBe(true);
    expect(await f.queue.heartbeat('w', [{ id, token: c.token }])).toEqual({ canceled: [id], lost: [] });
    await f.queue.complete([
      { id, token: c.token, status: 'canceled', error: { message: 'canceled', reason: 'canceled' } },
    ]);
    expect((await f.queue.get(id)).status).toBe('canceled');
  });

  it('never retries a job whose cancel was requested, even when it reports a failure', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'c3', maxAttempts: 5 });
    const [c] = await f.queue.claim('w', ['c3'], 1);
    await f.queue.cancel(id);
    const report = await f.queue.complete([
      { id, token: c.token, status: 'failure', error: { message: 'killed' } },
    ]);
    expect(report.completed).toEqual([id]);
  });

  it('leaves a finished job as it was', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'c4' });
    const [c] = await f.queue.claim('w', ['c4'], 1);
    await f.queue.complete([{ id, token: c.token, status: 'success', result: 1 }]);
    expect(await f.queue.cancel(id)).toEqual({ status: 'already_finished' });
    expect((await f.queue.get(id)).status).toBe('success');
  });

  it('refuses an unknown job id', async () => {
    await expect(f.queue.cancel('999999999')).rejects.toMatchObject({ code: 'job_not_found' });
  });
});
