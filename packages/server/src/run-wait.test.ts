import { waitFor } from '@millrace/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeNext, deploy, openServerFixture, type ServerFixture } from './test-support';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres');
  await deploy(f.settings, 'f/app/echo');
});
afterAll(() => f.close());

/** Completes the next job once it is queued, while the request waits. */
function completeWhenQueued(outcome: (args: Record<string, unknown>) => unknown) {
  return waitFor(async () => (await completeNext(f.queue, ['node'], outcome)).length > 0);
}

it('without wait: 202 { id }, an empty body meaning {}', async () => {
  const res = await f.app.inject({
    method: 'POST',
    url: '/api/run/f/app/echo',
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(202);
  expect((await f.queue.get(res.json().id)).args).toEqual({});
  await completeNext(f.queue, ['node']);
});

it('wait=true: 200 with the result as is and the job id header', async () => {
  const [res] = await Promise.all([
    f.app.inject({ method: 'POST', url: '/api/run/f/app/echo?wait=true', payload: { x: 1 } }),
    completeWhenQueued((args) => ({ got: args })),
  ]);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ got: { x: 1 } });
  expect(res.headers['x-millrace-job-id']).toEqual(expect.any(String));
});

it('wait=true: a bare string result is JSON too', async () => {
  const [res] = await Promise.all([
    f.app.inject({ method: 'POST', url: '/api/run/f/app/echo?wait=true', payload: {} }),
    completeWhenQueued(() => 'hi'),
  ]);
  expect(res.headers['content-type']).toContain('application/json');
  expect(res.json()).toBe('hi');
});

it('wait=true: a failure is 500 JOB_FAILED with the job error', async () => {
  const [res] = await Promise.all([
    f.app.inject({ method: 'POST', url: '/api/run/f/app/echo?wait=true', payload: {} }),
    completeWhenQueued(() => {
      throw new Error('boom');
    }),
  ]);
  expect(res.statusCode).toBe(500);
  expect(res.json().error).toMatchObject({
    code: 'job_failed',
    message: 'boom',
    details: { error: { message: 'boom' } },
  });
});

it('wait=true&full=true: the whole job', async () => {
  const [res] = await Promise.all([
    f.app.inject({ method: 'POST', url: '/api/run/f/app/echo?wait=true&full=true', payload: { y: 2 } }),
    completeWhenQueued((a) => a),
  ]);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ status: 'success', result: { y: 2 }, args: { y: 2 } });
});

it('wait=true: 504 WAIT_TIMEOUT and the job keeps going', async () => {
  const res = await f.app.inject({
    method: 'POST',
    url: '/api/run/f/app/echo?wait=true&timeoutMs=50',
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(504);
  const { code, details } = res.json().error;
  expect(code).toBe('wait_timeout');
  expect((await f.queue.get(details.id)).status).toBe('queued');
  await f.queue.cancel(details.id);
});

it('wait=true: a canceled job is 409 JOB_CANCELED', async () => {
  const [res] = await Promise.all([
    f.app.inject({ method: 'POST', url: '/api/run/f/app/echo?wait=true', payload: {} }),
    waitFor(async () => {
      const [job] = await f.queue.list({ status: 'queued' });
      return job && (await f.queue.cancel(job.id));
    }),
  ]);
  expect(res.statusCode).toBe(409);
  expect(res.json().error.code).toBe('job_canceled');
});

it('refuses bad input: unknown script 404, non-object args 400, bad query 400', async () => {
  const missing = await f.app.inject({ method: 'POST', url: '/api/run/f/app/nope', payload: {} });
  expect(missing.statusCode).toBe(404);
  expect(missing.json().error.code).toBe('script_not_found');
  const args = await f.app.inject({
    method: 'POST',
    url: '/api/run/f/app/echo',
    payload: [1, 2],
    headers: { 'content-type': 'application/json' },
  });
  expect(args.statusCode).toBe(400);
  expect(args.json().error.code).toBe('invalid_args');
  const query = await f.app.inject({
    method: 'POST',
    url: '/api/run/f/app/echo?timeoutMs=-1',
    headers: { 'content-type': 'application/json' },
  });
  expect(query.statusCode).toBe(400);
  expect(query.json().error.code).toBe('validation');
  expect(await f.queue.list({ status: 'queued' })).toHaveLength(0);
});
