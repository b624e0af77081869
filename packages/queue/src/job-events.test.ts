import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, JobEvents } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('job events on %s', (driver) => {
  let f: QueueFixture;
  let events: JobEvents;
  const seen: JobEvent[] = [];
  beforeAll(async () => {
    f = await openQueueFixture(driver, { retryBaseMs: 1, retryMaxMs: 5 });
    events = await f.queue.events();
    for (const type of ['completed', 'failed', 'retried', 'canceled'] as const)
      events.on(type, (e) => seen.push(e));
  });
  afterAll(async () => {
    await events.close();
    await f.drop();
  });

  const claimOne = (tag: string) =>
    waitFor(() => f.queue.claim('w1', [tag], 1).then((j) => (j.length ? j[0] : null)));

  it('delivers completed, retried, failed and canceled, each with its job', async () => {
    const ok = await f.queue.push('f/test/noop', { a: 1 }, { tag: 'ev' });
    let c = await claimOne('ev');
    await f.queue.complete([{ id: ok, token: c.token, status: 'success', result: { done: true } }]);

    const bad = await f.queue.push('f/test/other', {}, { tag: 'ev', maxAttempts: 2 });
    c = await claimOne('ev');
    await f.queue.complete([{ id: bad, token: c.token, status: 'failure', error: { message: 'first' } }]);
    c = await claimOne('ev');
    await f.queue.complete([{ id: bad, token: c.token, status: 'failure', error: { message: 'second' } }]);

    const canceled = await f.queue.push('f/test/noop', {}, { tag: 'ev-idle' });
    await f.queue.cancel(canceled);

    await waitFor(() => seen.length >= 4, { message: 'four events' });
    expect(seen.map((e) => [e.type, e.id])).toEqual([
      ['completed', ok],
      ['retried', bad],
      ['failed', bad],
      ['canceled', canceled],
    ]);
    expect(seen[0]).toMatchObject({
      path: 'f/test/noop',
      tag: 'ev',
      attempt: 1,
      worker: 'w1',
      result: { done: true },
    });
    expect(seen[1]).toMatchObject({ attempt: 1, attemptStatus: 'failure', error: { message: 'first' } });
    expect(seen[2]).toMatchObject({ path: 'f/test/other', attempt: 2, error: { message: 'second' } });
    expect(seen[3].error).toMatchObject({ reason: 'canceled' });
  });

  it('delivers every job of a batch completion, and nothing after close', async () => {
    seen.length = 0;
    const ids = await f.queue.pushMany(
      Array.from({ length: 50 }, () => ({ path: 'f/test/noop', tag: 'ev-batch' })),
    );
    const claimed = await f.queue.claim('w1', ['ev-batch'], 50);
    await f.queue.complete(
      claimed.map((j) => ({ id: j.id, token: j.token, status: 'success' as const, result: 1 })),
    );
    await waitFor(() => seen.length >= 50, { message: 'fifty events' });
    expect(seen.map((e) => e.id).sort()).toEqual([...ids].sort());

    const late = await f.queue.events();
    const after: JobEvent[] = [];
    late.on('completed', (e) => after.push(e));
    await late.close();
    const id = await f.queue.push('f/test/noop', {}, { tag: 'ev-late' });
    const c = await claimOne('ev-late');
    await f.queue.complete([{ id, token: c.token, status: 'success', result: 1 }]);
    await waitFor(() => seen.some((e) => e.id === id)); // the open subscription saw it…
    expect(after).toEqual([]); // …the closed one did not
  });
});
