import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

describe.each(testDrivers())('flow control over HTTP (%s)', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver);
    await deploy(f.settings, 'f/app/limited');
  });
  afterAll(() => f.close());

  const post = (url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') =>
    f.app.inject({ method, url, payload: payload as Record<string, unknown> });

  it('a unique key dedupes pushes; the job shows its keys', async () => {
    const body = {
      path: 'f/app/limited',
      args: { n: 1 },
      uniqueKey: 'nightly',
      concurrencyKey: 'tenant-1',
      concurrencyLimit: 1,
    };
    const a = await post('/api/jobs', body);
    const b = await post('/api/jobs', { ...body, args: { n: 2 } });
    expect(a.statusCode).toBe(201);
    expect(b.json().id).toBe(a.json().id);
    const job = (await f.app.inject({ url: `/api/jobs/${a.json().id}` })).json();
    expect(job).toMatchObject({ args: { n: 1 }, uniqueKey: 'nightly', concurrencyKey: 'tenant-1' });
    const many = await post('/api/jobs', {
      jobs: [
        { path: 'f/app/limited', args: {}, uniqueKey: 'batch', debounceMs: 1000 },
        { path: 'f/app/limited', args: { last: true }, uniqueKey: 'batch', debounceMs: 1000 },
      ],
    });
    expect(new Set(many.json().ids).size).toBe(1);
  });

  it('script settings take maxRunning and rateLimit, and show them', async () => {
    const res = await post(
      '/api/script-settings/f/app/limited',
      { maxRunning: 3, rateLimit: { max: 10, windowMs: 60000 } },
      'PUT',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toMatchObject({ maxRunning: 3, rateLimit: { max: 10, windowMs: 60000 } });
    const script = (await f.app.inject({ url: '/api/script-settings/f/app/limited' })).json();
    expect(script.settings).toMatchObject({ maxRunning: 3, rateLimit: { max: 10, windowMs: 60000 } });
  });

  it('script settings clear maxRunning and rateLimit with null', async () => {
    await post(
      '/api/script-settings/f/app/limited',
      { maxRunning: 2, rateLimit: { max: 5, windowMs: 1000 } },
      'PUT',
    );
    const res = await post(
      '/api/script-settings/f/app/limited',
      { maxRunning: null, rateLimit: null },
      'PUT',
    );
    expect(res.statusCode).toBe(200);
    const script = (await f.app.inject({ url: '/api/script-settings/f/app/limited' })).json();
    expect(script.settings).toMatchObject({ maxRunning: null, rateLimit: null });
  });

  it('bad flow options are a 400 with the queue code, and push nothing', async () => {
    const refused = [];
    for (const payload of [
      { path: 'f/app/limited', debounceMs: 5 },
      { path: 'f/app/limited', uniqueKey: 'k', debounceMs: 'soon' },
      { path: 'f/app/limited', concurrencyKey: 'k', concurrencyLimit: 0 },
      { path: 'f/app/limited', rateLimit: { max: 1, windowMs: 1000 } },
    ]) {
      const res = await post('/api/jobs', payload);
      expect(res.statusCode).toBe(400);
      refused.push(res.json().error.code);
    }
    // a value of the wrong JSON type is refused by the request's schema, the rest by the queue
    expect(refused).toEqual([
      'invalid_job_options',
      'validation',
      'invalid_job_options',
      'invalid_job_options',
    ]);
    const settings = await post('/api/script-settings/f/app/limited', { maxRunning: -1 }, 'PUT');
    expect(settings.statusCode).toBe(400);
  });
});
