import { afterAll, beforeAll, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres');
  await deploy(f.settings, 'f/app/send');
});
afterAll(() => f.close());

it('lists the default group', async () => {
  const res = await f.app.inject({ url: '/api/worker-groups' });
  expect(res.statusCode).toBe(200);
  expect(res.json().groups.map((g: { name: string }) => g.name)).toEqual(['default']);
});

it('creates, updates (keeping absent fields) and reads a group', async () => {
  const created = await f.app.inject({
    method: 'PUT',
    url: '/api/worker-groups/billing',
    payload: { tags: ['billing', 'node'], concurrency: 4, env: { REGION: 'eu' } },
  });
  expect(created.statusCode).toBe(200);
  expect(created.json()).toMatchObject({ name: 'billing', tags: ['billing', 'node'], concurrency: 4 });
  const updated = await f.app.inject({
    method: 'PUT',
    url: '/api/worker-groups/billing',
    payload: { concurrency: 8 },
  });
  expect(updated.json()).toMatchObject({ tags: ['billing', 'node'], concurrency: 8, env: { REGION: 'eu' } });
  const got = await f.app.inject({ url: '/api/worker-groups/billing' });
  expect(got.json()).toMatchObject({ name: 'billing', concurrency: 8, dedicatedWorker: null });
  expect(typeof got.json().updatedAt).toBe('string');
});

it('accepts the whole group the UI sends when it makes a group dedicated', async () => {
  const res = await f.app.inject({
    method: 'PUT',
    url: '/api/worker-groups/billing',
    payload: { tags: ['billing'], dedicatedWorker: 'f/app/send', concurrency: 2, env: {}, initScript: null },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ dedicatedWorker: 'f/app/send', servedTags: ['dedicated:f/app/send'] });
  const generic = await f.app.inject({
    method: 'PUT',
    url: '/api/worker-groups/billing',
    payload: { tags: ['billing'], dedicatedWorker: null, concurrency: 2, env: {}, initScript: null },
  });
  expect(generic.json()).toMatchObject({ dedicatedWorker: null, tags: ['billing'] });
});

it('refuses invalid groups with 400 and writes nothing', async () => {
  const bad = await f.app.inject({
    method: 'PUT',
    url: '/api/worker-groups/billing',
    payload: { concurrency: 0 },
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.code).toBe('invalid_worker_group');
  const badName = await f.app.inject({ method: 'PUT', url: '/api/worker-groups/Bad%20Name', payload: {} });
  expect(badName.json().error.code).toBe('invalid_worker_group');
  const unknownField = await f.app.inject({
    method: 'PUT',
    url: '/api/worker-groups/x',
    payload: { tagz: [] },
  });
  expect(unknownField.statusCode).toBe(400);
  expect(unknownField.json().error.code).toBe('validation');
  const list = await f.app.inject({ url: '/api/worker-groups' });
  expect(list.json().groups.map((g: { name: string }) => g.name)).toEqual(['billing', 'default']);
  expect((await f.app.inject({ url: '/api/worker-groups/billing' })).json().concurrency).toBe(2);
});

it('deletes a group: 204, then 404', async () => {
  const del = await f.app.inject({
    method: 'DELETE',
    url: '/api/worker-groups/billing',
    headers: { 'content-type': 'application/json' },
  });
  expect(del.statusCode).toBe(204);
  const again = await f.app.inject({
    method: 'DELETE',
    url: '/api/worker-groups/billing',
    headers: { 'content-type': 'application/json' },
  });
  expect(again.statusCode).toBe(404);
  expect(again.json().error.code).toBe('worker_group_not_found');
  const get = await f.app.inject({ url: '/api/worker-groups/billing' });
  expect(get.statusCode).toBe(404);
});
