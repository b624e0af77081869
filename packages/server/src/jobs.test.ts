import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeNext, deploy, openServerFixture, type ServerFixture } from './test-support';

describe.each(testDrivers())('jobs routes (%s)', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver);
    await deploy(f.settings, 'f/app/echo');
  });
  afterAll(() => f.close());

  it('pushes one job and gets it', async () => {
    const push = await f.app.inject({
      method: 'POST',
      url: '/api/jobs',
      payload: { path: 'f/app/echo', args: { n: 1 }, priority: 5 },
    });
    expect(push.statusCode).toBe(201);
    const { id } = push.json();
    const job = await f.app.inject({ url: `/api/jobs/${id}` });
    expect(job.json()).toMatchObject({
      id,
      path: 'f/app/echo',
      status: 'queued',
      args: { n: 1 },
      priority: 5,
      tag: 'node',
      result: null,
      error: null,
      startedAt: null,
    });
    expect(typeof job.json().scheduledFor).toBe('string');
  });

  it('pushes many in input order', async () => {
    const jobs = [1, 2, 3].map((n) => ({ path: 'f/app/echo', args: { n } }));
    const res = await f.app.inject({ method: 'POST', url: '/api/jobs', payload: { jobs } });
    expect(res.statusCode).toBe(201);
    const { ids } = res.json();
    expect(ids).toHaveLength(3);
    for (const [i, id] of ids.entries()) {
      expect((await f.app.inject({ url: `/api/jobs/${id}` })).json().args).toEqual({ n: i + 1 });
    }
  });

  it('lists newest first with filters and pages', async () => {
    const first = await f.app.inject({ url: '/api/jobs?limit=3' });
    const page1 = first.json();
    expect(page1.jobs).toHaveLength(3);
    expect(page1.jobs.map((j: { args?: unknown }) => j.args)).toEqual([undefined, undefined, undefined]);
    expect(page1.nextBefore).toEqual(expect.any(String));
    const second = (await f.app.inject({ url: `/api/jobs?limit=3&before=${page1.nextBefore}` })).json();
    expect(second.jobs).toHaveLength(1);
    expect(second.nextBefore).toBeNull();
    const ids = [...page1.jobs, ...second.jobs].map((j: { id: string }) => Number(j.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    await completeNext(f.queue, ['node']);
    const done = (await f.app.inject({ url: '/api/jobs?status=success,failure' })).json();
    expect(done.jobs).toHaveLength(4);
    const queued = (await f.app.inject({ url: '/api/jobs?status=queued&path=f/app/echo' })).json();
    expect(queued.jobs).toHaveLength(0);
    const byWorker = (await f.app.inject({ url: '/api/jobs?worker=test-worker' })).json();
    expect(byWorker.jobs).toHaveLength(4);
  });

  it('serves logs as text', async () => {
    const id = await f.queue.push('f/app/echo', {});
    await completeNext(f.queue, ['node'], (a) => a, ['hello\n', 'world\n']);
    const res = await f.app.inject({ url: `/api/jobs/${id}/logs` });
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('hello\nworld\n');
  });

  it('answers 404 JOB_NOT_FOUND for unknown or malformed ids', async () => {
    for (const url of ['/api/jobs/999999', '/api/jobs/nope', '/api/jobs/999999/logs']) {
      const res = await f.app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('job_not_found');
    }
  });
});
