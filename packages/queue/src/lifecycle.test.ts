import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('job lifecycle on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('pushes a queued job against the latest version with the resolved tag', async () => {
    const script = await f.settings.getScript('f/test/noop');
    const id = await f.queue.push('f/test/noop', { n: 1 });
    const job = await f.queue.get(id);
    expect(job).toMatchObject({
      id,
      path: 'f/test/noop',
      hash: script.hash,
      tag: 'node',
      status: 'queued',
      args: { n: 1 },
    });
    expect(job.attempt).toBe(0);
    expect(job.createdAt).toBeInstanceOf(Date);
  });

  it('claims, runs and completes a job with its result, worker and timings', async () => {
    const id = await f.queue.push('f/test/other', { x: 2 }, { tag: 'lifecycle' });
    const [claimed] = await f.queue.claim('worker-a', ['lifecycle'], 10);
    expect(claimed).toMatchObject({ id, path: 'f/test/other', args: { x: 2 }, attempt: 1, tag: 'lifecycle' });
    expect((await f.queue.get(id)).status).toBe('running');
    const report = await f.queue.complete([
      { id, token: claimed.token, status: 'success', result: { ok: true } },
    ]);
    expect(report).toEqual({ completed: [id], retried: [], stale: [] });
    const job = await f.queue.get(id);
    expect(job).toMatchObject({
      status: 'success',
      result: { ok: true },
      worker: 'worker-a',
      attempt: 1,
      error: null,
    });
    expect(job.completedAt?.getTime()).toBeGreaterThanOrEqual(
      job.startedAt?.getTime() ?? Number.POSITIVE_INFINITY,
    );
    expect(job.durationMs).toBeGreaterThanOrEqual(0);
    expect(await f.queue.claim('worker-a', ['lifecycle'], 10)).toEqual([]);
  });

  it('stores any JSON result exactly, whatever characters it holds, next to other completions', async () => {
    const results: unknown[] = [
      { text: 'quotes " and \\ backslashes, {braces}, commas, NULL, \\u0000, ünïcödé 🚀\n\ttabs' },
      ['a', 1, null, { nested: [true, false] }],
      'a bare string with "quotes"',
      42.5,
      null,
      { big: 'x'.repeat(100_000) },
    ];
    const ids = await f.queue.pushMany(results.map(() => ({ path: 'f/test/noop', tag: 'results' })));
    const claimed = await f.queue.claim('w', ['results'], results.length);
    const report = await f.queue.complete(
      claimed.map((c) => ({
        id: c.id,
        token: c.token,
        status: 'success',
        result: results[ids.indexOf(c.id)],
      })),
    );
    expect(report.completed.sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) expect((await f.queue.get(id)).result).toEqual(results[i]);
  });

  it('reports claim times as the database saw them', async () => {
    const before = Date.now();
    const id = await f.queue.push('f/test/noop', {}, { tag: 'times' });
    const [c] = await f.queue.claim('w', ['times'], 1);
    const job = await f.queue.get(id);
    expect(c.createdAt.getTime()).toBe(job.createdAt.getTime());
    expect(c.startedAt.getTime()).toBe(job.startedAt?.getTime());
    expect(c.startedAt.getTime()).toBeGreaterThanOrEqual(c.createdAt.getTime());
    expect(Math.abs(c.createdAt.getTime() - before)).toBeLessThan(60_000); // same clock, epoch ms
  });

  it('stores a failure with its error when no attempts are left', async () => {
    const id = await f.queue.push('f/test/noop', {}, { tag: 'fails' });
    const [c] = await f.queue.claim('w', ['fails'], 1);
    await f.queue.complete([
      { id, token: c.token, status: 'failure', error: { message: 'bad', name: 'Error', stack: 's' } },
    ]);
    expect(await f.queue.get(id)).toMatchObject({
      status: 'failure',
      error: { message: 'bad', stack: 's' },
      result: null,
    });
  });

  it('pushes thousands of jobs in one call, ids in input order', async () => {
    const ids = await f.queue.pushMany(
      Array.from({ length: 3000 }, (_, i) => ({ path: 'f/test/noop', args: { i }, tag: 'bulk' })),
    );
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
    const sample = await f.queue.get(ids[1234]);
    expect(sample.args).toEqual({ i: 1234 });
    const drained = [];
    for (;;) {
      const jobs = await f.queue.claim('w', ['bulk'], 1000);
      if (!jobs.length) break;
      await f.queue.complete(
        jobs.map((j) => ({ id: j.id, token: j.token, status: 'success' as const, result: null })),
      );
      drained.push(...jobs);
    }
    expect(drained).toHaveLength(3000);
    expect((await f.queue.list({ tag: 'bulk', status: 'success', limit: 1000 })).length).toBe(1000);
  });

  it('re-runs a job with the same version and args', async () => {
    const id = await f.queue.push('f/test/noop', { again: true }, { tag: 'rerun' });
    const newId = await f.queue.rerun(id);
    const [a, b] = [await f.queue.get(id), await f.queue.get(newId)];
    expect(b).toMatchObject({
      args: { again: true },
      hash: a.hash,
      tag: 'rerun',
      rerunOf: id,
      status: 'queued',
    });
  });

  it('lists with filters and keyset paging', async () => {
    const ids = await f.queue.pushMany(
      [1, 2, 3, 4, 5].map((i) => ({ path: 'f/test/other', args: { i }, tag: 'page' })),
    );
    const first = await f.queue.list({ tag: 'page', limit: 2 });
    expect(first.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    const next = await f.queue.list({ tag: 'page', limit: 2, before: first[1].id });
    expect(next.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    expect(
      (await f.queue.list({ path: 'f/test/other', status: 'queued' })).every(
        (j) => j.path === 'f/test/other',
      ),
    ).toBe(true);
  });
});
