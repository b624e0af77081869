// What a job hands back can hold characters PostgreSQL refuses (NUL, unpaired surrogates). A host
// that calls the queue directly gets the same rule as the worker: logs and errors are stored with
// U+FFFD in their place, a result holding one fails its job alone — the rest of the batch is written.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('unstorable job output on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { maxLostAttempts: 1 });
  });
  afterAll(() => f.drop());

  const claimed = async (n: number, tag: string) => {
    await f.queue.pushMany(Array.from({ length: n }, () => ({ path: 'f/test/noop', tag, maxAttempts: 1 })));
    return f.queue.claim('w', [tag], n);
  };

  it('stores logs with NUL and lone surrogates replaced by U+FFFD, every other character kept', async () => {
    const [job] = await claimed(1, 'p1');
    const text = 'nul:\u0000 high:\ud800 low:\udc00 pair:\ud83d\ude00 tab:\t escape-text:\\u0000\n';
    await f.queue.appendLogs([
      { id: job.id, attempt: 1, seq: 0, text },
      { id: job.id, attempt: 1, seq: 1, text: 'after\n' },
    ]);
    expect(await f.queue.logs(job.id)).toBe(
      'nul:\uFFFD high:\uFFFD low:\uFFFD pair:\ud83d\ude00 tab:\t escape-text:\\u0000\nafter\n',
    );
  });

  it('fails a job whose result PostgreSQL cannot store, alone; the rest of the batch succeeds', async () => {
    const jobs = await claimed(5, 'p2');
    const results: unknown[] = [
      { ok: 1 },
      { s: 'a\u0000b' },
      ['x\ud800'],
      { big: 10n },
      { text: 'the six characters \\u0000 are fine' },
    ];
    const report = await f.queue.complete(
      jobs.map((j, i) => ({ id: j.id, token: j.token, status: 'success' as const, result: results[i] })),
    );
    expect(report.notStorable).toEqual([jobs[1].id, jobs[2].id, jobs[3].id]);
    expect(report.completed).toHaveLength(5);
    const ended = await Promise.all(jobs.map((j) => f.queue.get(j.id)));
    expect(ended.map((j) => j.status)).toEqual(['success', 'failure', 'failure', 'failure', 'success']);
    expect(ended[0].result).toEqual({ ok: 1 });
    expect(ended[4].result).toEqual(results[4]);
    expect(ended[1].error).toMatchObject({ name: 'ResultNotStorableError', reason: 'result_not_storable' });
    expect(ended[1].error?.message).toMatch(/NUL/);
    expect(ended[2].error?.message).toMatch(/unpaired UTF-16 surrogate/);
    expect(ended[3].error?.message).toMatch(/not JSON-serialisable/);
    // not retried: a re-run would repeat the job's effects to produce the same value
    expect(ended[1].attempt).toBe(1);
  });

  it("stores an error's message, name and stack with U+FFFD in place of what jsonb refuses", async () => {
    const jobs = await claimed(2, 'p3');
    await f.queue.complete([
      {
        id: jobs[0].id,
        token: jobs[0].token,
        status: 'failure',
        retryable: false,
        error: { message: 'bad\u0000byte', name: 'Odd\ud800Error', stack: 'at x\udfff' },
      },
      { id: jobs[1].id, token: jobs[1].token, status: 'success', result: 1 },
    ]);
    expect((await f.queue.get(jobs[0].id)).error).toEqual({
      message: 'bad\uFFFDbyte',
      name: 'Odd\uFFFDError',
      stack: 'at x\uFFFD',
    });
    expect((await f.queue.get(jobs[1].id)).status).toBe('success');
  });

  it('keeps the message of an Error instance passed to fail()', async () => {
    const [job] = await claimed(1, 'p4');
    await f.queue.fail(job.id, job.token, new RangeError('out of range\u0000'), false);
    expect((await f.queue.get(job.id)).error).toMatchObject({
      name: 'RangeError',
      message: 'out of range\uFFFD',
    });
  });

  it('abandon re-queues interrupted jobs at once as a lost attempt, then fails them past the limit', async () => {
    const [first] = await claimed(1, 'p5');
    expect(await f.queue.abandon([{ id: first.id, token: first.token }], 'stop timed out')).toEqual([
      first.id,
    ]);
    expect((await f.queue.get(first.id)).status).toBe('queued');
    expect(await f.queue.attempts(first.id)).toMatchObject([
      {
        attempt: 1,
        status: 'lost',
        worker: 'w',
        error: { reason: 'worker_stopped', message: 'stop timed out' },
      },
    ]);
    // a stale token changes nothing
    expect(await f.queue.abandon([{ id: first.id, token: first.token }])).toEqual([]);
    const [again] = await f.queue.claim('w', ['p5'], 1);
    expect(again.attempt).toBe(2);
    await f.queue.abandon([{ id: again.id, token: again.token }]);
    expect(await f.queue.get(first.id)).toMatchObject({
      status: 'failure',
      error: { name: 'WorkerStoppedError', reason: 'worker_stopped' },
    });
  });
});
