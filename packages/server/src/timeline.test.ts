import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

type Bar = { id: string; worker: string; status: string; startMs: number; endMs: number | null };

describe.each(testDrivers())('timeline routes (%s)', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver, { token: 'tl-token' });
    await deploy(f.settings, 'f/app/echo');
  });
  afterAll(() => f.close());
  const get = (url: string) => f.app.inject({ url, headers: { authorization: 'Bearer tl-token' } });

  it('gives finished and running jobs as bars per worker, and the workers seen', async () => {
    await f.queue.registerWorker({ name: 'w-gen', group: 'default', tags: ['node'] });
    const [done, busy] = await f.queue.pushMany([{ path: 'f/app/echo' }, { path: 'f/app/echo' }]);
    const [a, b] = await f.queue.claim('w-gen', ['node'], 2);
    expect([a.id, b.id]).toEqual([done, busy]);
    const t0 = Date.now() - 50;
    await f.queue.complete([
      { id: done, token: a.token, status: 'success', result: 1, startedAt: t0, durationMs: 4 },
    ]);

    const res = await get('/api/timeline?seconds=60');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { now: number; windowMs: number; jobs: Bar[]; workers: { name: string }[] };
    expect(body.windowMs).toBe(60_000);
    expect(body.now).toBeGreaterThanOrEqual(t0);
    expect(body.jobs.find((j) => j.id === done)).toMatchObject({
      worker: 'w-gen',
      status: 'success',
      startMs: t0,
      endMs: t0 + 4,
      path: 'f/app/echo',
    });
    expect(body.jobs.find((j) => j.id === busy)).toMatchObject({
      worker: 'w-gen',
      status: 'running',
      endMs: null,
    });
    expect(body.workers).toEqual([{ name: 'w-gen', group: 'default', dedicatedScript: null, alive: true }]);
    await f.queue.complete([{ id: busy, token: b.token, status: 'success', result: 2 }]);
  });

  it('refuses a window outside 1..600 seconds and requests without the token', async () => {
    expect((await get('/api/timeline?seconds=601')).statusCode).toBe(400);
    expect((await get('/api/timeline?seconds=abc')).statusCode).toBe(400);
    expect((await get('/api/timeline?bogus=1')).statusCode).toBe(400);
    expect((await f.app.inject({ url: '/api/timeline' })).statusCode).toBe(401);
    expect((await f.app.inject({ url: '/api/jobs/1/attempts' })).statusCode).toBe(401);
  });

  it("lists a job's earlier attempts, and 404 for an unknown job", async () => {
    const id = await f.queue.push('f/app/echo', {}, { maxAttempts: 2 });
    const [first] = await f.queue.claim('w-gen', ['node'], 1);
    expect(first.id).toBe(id);
    await f.queue.complete([{ id, token: first.token, status: 'failure', error: { message: 'boom' } }]);
    const res = await get(`/api/jobs/${id}/attempts`);
    expect(res.statusCode).toBe(200);
    expect(res.json().attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'failure',
        error: expect.objectContaining({ message: 'boom' }),
      }),
    ]);
    expect((await get('/api/jobs/999999/attempts')).statusCode).toBe(404);
  });
});
