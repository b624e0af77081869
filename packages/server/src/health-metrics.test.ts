import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer } from './create-server';
import { completeNext, deploy, openServerFixture, type ServerFixture } from './test-support';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres', { defaultMetrics: true });
  await deploy(f.settings, 'f/app/echo');
});
afterAll(() => f.close());

it('health says ok with the driver and version', async () => {
  const res = await f.app.inject({ url: '/api/health' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ ok: true, version: '0.1.0', db: 'postgres' });
});

it('health is 503 when the database does not answer', async () => {
  const broken = { ...f.db, driver: 'postgres' as const, query: () => Promise.reject(new Error('down')) };
  const app = await createServer({ db: broken, queue: f.queue, uiDir: null, defaultMetrics: false });
  try {
    const res = await app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ ok: false, db: 'postgres' });
  } finally {
    await app.close();
  }
});

it('metrics expose the queue, workers and completions on a private registry', async () => {
  await f.queue.push('f/app/echo', {});
  await completeNext(f.queue, ['node']);
  await f.queue.push('f/app/echo', {});
  await f.queue.registerWorker({ name: 'w1', group: 'default', tags: ['node'] });
  const res = await f.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  const text = res.body;
  expect(text).toContain('millrace_jobs_completed_total{tag="node",status="success"} 1');
  expect(text).toContain('millrace_queue_jobs{tag="node",status="queued"} 1');
  expect(text).toContain('millrace_workers_alive{group="default"} 1');
  expect(text).toContain('millrace_job_duration_seconds_bucket');
  expect(text).toContain('millrace_job_start_latency_seconds_count{tag="node"} 1');
  expect(text).toContain('millrace_jobs{status="queued"} 1');
  expect(text).toContain('process_cpu_user_seconds_total');
  // a second scrape does not count the same completion twice, and a second server coexists
  const again = await f.app.inject({ url: '/metrics' });
  expect(again.body).toContain('millrace_jobs_completed_total{tag="node",status="success"} 1');
  const other = await createServer({ db: f.db, uiDir: null });
  try {
    expect((await other.inject({ url: '/metrics' })).statusCode).toBe(200);
  } finally {
    await other.close();
  }
});
