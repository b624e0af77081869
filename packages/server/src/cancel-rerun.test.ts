import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeNext, deploy, openServerFixture, type ServerFixture } from './test-support';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres');
  await deploy(f.settings, 'f/app/echo');
});
afterAll(() => f.close());

it('cancels a queued job, then refuses a second cancel with 409', async () => {
  const id = await f.queue.push('f/app/echo', {});
  const res = await f.app.inject({
    method: 'POST',
    url: `/api/jobs/${id}/cancel`,
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ id, status: 'canceled' });
  const again = await f.app.inject({
    method: 'POST',
    url: `/api/jobs/${id}/cancel`,
    headers: { 'content-type': 'application/json' },
  });
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('job_already_completed');
});

it('flags a running job for cancel (still running until its worker stops it)', async () => {
  const id = await f.queue.push('f/app/echo', {});
  await f.queue.claim('w', ['node'], 1);
  const res = await f.app.inject({
    method: 'POST',
    url: `/api/jobs/${id}/cancel`,
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ id, status: 'running' });
  expect((await f.queue.get(id)).cancelRequested).toBe(true);
});

it('reruns with the current version and optional new args', async () => {
  const id = await f.queue.push('f/app/echo', { a: 1 });
  await completeNext(f.queue, ['node']);
  const v2 = await deploy(f.settings, 'f/app/echo', 'export function main(a) { return 2; }');
  const same = await f.app.inject({ method: 'POST', url: `/api/jobs/${id}/rerun`, payload: {} });
  expect(same.statusCode).toBe(201);
  const rerun = await f.queue.get(same.json().id);
  expect(rerun).toMatchObject({ path: 'f/app/echo', args: { a: 1 }, hash: v2.hash, status: 'queued' });
  const other = await f.app.inject({
    method: 'POST',
    url: `/api/jobs/${id}/rerun`,
    payload: { args: { a: 2 } },
  });
  expect((await f.queue.get(other.json().id)).args).toEqual({ a: 2 });
  const none = await f.app.inject({
    method: 'POST',
    url: '/api/jobs/987654/rerun',
    headers: { 'content-type': 'application/json' },
  });
  expect(none.statusCode).toBe(404);
});
