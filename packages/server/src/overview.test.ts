import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeNext, deploy, openServerFixture, type ServerFixture } from './test-support';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres');
  await deploy(f.settings, 'f/app/echo');
  await deploy(f.settings, 'f/app/send');
  await f.settings.setScriptSettings('f/app/send', { dedicated: true });
});
afterAll(() => f.close());

it('counts by status and tag, naming tags without a live worker', async () => {
  await f.queue.push('f/app/echo', {});
  await completeNext(f.queue, ['node']);
  await f.queue.push('f/app/echo', {});
  await f.queue.push('f/app/send', {});
  await f.queue.registerWorker({ name: 'w-node', group: 'default', tags: ['node'] });
  const res = await f.app.inject({ url: '/api/counts' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({
    byStatus: { queued: 2, running: 0, success: 1, failure: 0, canceled: 0 },
    byTag: [
      { tag: 'dedicated:f/app/send', queued: 1, running: 0 },
      { tag: 'node', queued: 1, running: 0 },
    ],
    tagsWithoutWorkers: ['dedicated:f/app/send'],
  });
});

it('reports throughput with every bucket present and completions per second', async () => {
  const res = await f.app.inject({ url: '/api/stats/throughput?minutes=2&bucketSeconds=10' });
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.bucketSeconds).toBe(10);
  expect(body.timestamps).toHaveLength(12);
  expect(body.timestamps[1] - body.timestamps[0]).toBe(10);
  expect(body.timestamps.at(-1)).toBeLessThanOrEqual(Date.now() / 1000);
  const node = body.series.find((s: { tag: string }) => s.tag === 'node');
  expect(node.values).toHaveLength(12);
  expect(node.values.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(0.1);
  const defaults = (await f.app.inject({ url: '/api/stats/throughput' })).json();
  expect(defaults.bucketSeconds).toBe(5);
  const bad = await f.app.inject({ url: '/api/stats/throughput?minutes=61' });
  expect(bad.statusCode).toBe(400);
});

it('lists workers with their group, current jobs and a jobs/s', async () => {
  await f.queue.registerWorker({ name: 'w-b', group: 'zeta', tags: ['x'], pid: 7, host: 'h' });
  const [claimed] = await f.queue.claim('w-node', ['node'], 1);
  await f.queue.heartbeat('w-node', [{ id: claimed.id, token: claimed.token }], 1);
  const res = await f.app.inject({ url: '/api/workers' });
  const workers = res.json().workers;
  expect(workers.map((w: { name: string }) => w.name)).toEqual(['w-node', 'w-b']);
  expect(workers[0]).toMatchObject({
    group: 'default',
    tags: ['node'],
    alive: true,
    jobsDone: 1,
    currentJobs: [claimed.id],
    jobsPerSecond: 0,
  });
  const zeta = (await f.app.inject({ url: '/api/workers?group=zeta' })).json().workers;
  expect(zeta).toHaveLength(1);
  expect(zeta[0]).toMatchObject({ name: 'w-b', pid: 7, host: 'h', dedicatedScript: null });
});
