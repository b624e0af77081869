import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('retries on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { retryBaseMs: 1, retryMaxMs: 10 });
  });
  afterAll(() => f.drop());

  it('re-queues a failure with attempts left and fails for good on the last one, each attempt visible', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'retry', maxAttempts: 3 });
    const outcomes = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      // the retry is scheduled ~1 ms ahead: wait until it is claimable again
      const [c] = await waitFor(() =>
        f.queue.claim('w', ['retry'], 1).then((jobs) => (jobs.length ? jobs : null)),
      );
      expect(c).toMatchObject({ id, attempt });
      outcomes.push(
        await f.queue.complete([
          { id, token: c.token, status: 'failure', error: { message: `attempt ${attempt}` } },
        ]),
      );
    }
    expect(outcomes.map((o) => (o.retried.length ? 'retried' : 'completed'))).toEqual([
      'retried',
      'retried',
      'completed',
    ]);
    expect(await f.queue.get(id)).toMatchObject({
      status: 'failure',
      attempt: 3,
      error: { message: 'attempt 3' },
    });
    const attempts = await f.queue.attempts(id);
    expect(attempts.map((a) => [a.attempt, a.status, a.error?.message])).toEqual([
      [1, 'failure', 'attempt 1'],
      [2, 'failure', 'attempt 2'],
    ]);
    // each attempt keeps who ran it and when it started, not the cleared queue row's nulls
    for (const a of attempts) {
      expect(a.worker).toBe('w');
      expect(a.startedAt).toBeInstanceOf(Date);
    }
  });

  it('schedules the retry with exponential backoff', async () => {
    const slow = await openQueueFixture(driver, { retryBaseMs: 60_000 });
    try {
      const id = await slow.queue.push('f/test/noop', {}, { tag: 'backoff', maxAttempts: 2 });
      const [c] = await slow.queue.claim('w', ['backoff'], 1);
      const before = Date.now();
      await slow.queue.complete([{ id, token: c.token, status: 'failure', error: { message: 'x' } }]);
      const job = await slow.queue.get(id);
      expect(job.scheduledFor?.getTime()).toBeGreaterThan(before + 50_000);
      expect(await slow.queue.claim('w', ['backoff'], 1)).toEqual([]);
    } finally {
      await slow.drop();
    }
  });

  it('does not retry a failure marked not retryable', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'noretry', maxAttempts: 5 });
    const [c] = await f.queue.claim('w', ['noretry'], 1);
    await f.queue.complete([
      { id, token: c.token, status: 'failure', error: { message: 'bad script' }, retryable: false },
    ]);
    expect((await f.queue.get(id)).status).toBe('failure');
  });
});
