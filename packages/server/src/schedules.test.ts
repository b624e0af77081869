import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

const TOKEN = 'schedule-routes-token';
const auth = { authorization: `Bearer ${TOKEN}` };

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres', { token: TOKEN });
  await deploy(f.settings, 'f/app/report');
  await deploy(f.settings, 'f/app/alert');
});
afterAll(() => f.close());

const put = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
  f.app.inject({ method: 'PUT', url, payload: payload as object, headers });

describe('schedule routes', () => {
  it.each([
    ['GET', '/api/schedules'],
    ['GET', '/api/schedules/nightly'],
    ['PUT', '/api/schedules/nightly'],
    ['DELETE', '/api/schedules/nightly'],
    ['GET', '/api/failure-handlers'],
    ['PUT', '/api/failure-handlers'],
  ])('%s %s answers 401 without the token and writes nothing', async (method, url) => {
    const res = await f.app.inject({
      method: method as 'GET',
      url,
      payload: method === 'GET' ? undefined : { path: 'f/app/report', cron: '* * * * *' },
    });
    expect(res.statusCode).toBe(401);
    expect(await f.settings.listSchedules()).toEqual([]);
  });

  it('creates, reads with next runs, toggles and deletes a schedule', async () => {
    const created = await put('/api/schedules/nightly', {
      path: 'f/app/report',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      args: { full: true },
    });
    expect(created.statusCode).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({ name: 'nightly', enabled: true, catchUp: 'one', lastRun: null });
    expect(body.nextRuns).toHaveLength(5);
    expect(body.nextRuns[0]).toBe(body.nextTick);

    const off = await put('/api/schedules/nightly', { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, nextTick: null, nextRuns: [] });
    const list = await f.app.inject({ url: '/api/schedules', headers: auth });
    expect(list.json().schedules.map((s: { name: string }) => s.name)).toEqual(['nightly']);

    const del = await f.app.inject({
      method: 'DELETE',
      url: '/api/schedules/nightly',
      headers: auth,
      payload: {},
    });
    expect(del.statusCode).toBe(204);
    const gone = await f.app.inject({ url: '/api/schedules/nightly', headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('schedule_not_found');
  });

  it('shows the last run and its status, and the job its origin', async () => {
    const s = await f.settings.setSchedule('minutely', { path: 'f/app/report', cron: '* * * * *' });
    const { fired } = await f.queue.fireDueSchedules({
      now: new Date((s.nextTick as Date).getTime() + 1000),
    });
    const res = await f.app.inject({ url: '/api/schedules/minutely', headers: auth });
    expect(res.json().lastRun).toMatchObject({ id: fired[0].jobId, status: 'queued' });
    const job = await f.app.inject({ url: `/api/jobs/${fired[0].jobId}`, headers: auth });
    expect(job.json()).toMatchObject({
      schedule: { name: 'minutely', tick: (s.nextTick as Date).toISOString() },
      failureOf: null,
    });
    await f.settings.deleteSchedule('minutely');
  });

  it('refuses bad schedules with 400 INVALID_SCHEDULE and writes nothing', async () => {
    for (const payload of [
      { path: 'f/app/report', cron: 'every day' },
      { path: 'f/app/report', cron: '* * * * *', timezone: 'Nowhere/City' },
      { path: 'f/app/report', cron: '* * * * *', enabled: 'yes' },
      [1, 2],
    ]) {
      const res = await put('/api/schedules/bad', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_schedule');
    }
    expect(
      (await put('/api/schedules/Bad%20Name', { path: 'f/app/report', cron: '* * * * *' })).statusCode,
    ).toBe(400);
    const missing = await put('/api/schedules/ghost', { path: 'f/app/nope', cron: '* * * * *' });
    expect(missing.statusCode).toBe(404);
    expect(await f.settings.listSchedules()).toEqual([]);
  });

  it('refuses a write that is not JSON', async () => {
    const res = await f.app.inject({
      method: 'PUT',
      url: '/api/schedules/form',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'path=f/app/report&cron=*',
    });
    expect(res.statusCode).toBe(415);
    expect(await f.settings.listSchedules()).toEqual([]);
  });

  it('sets, lists and removes failure handlers', async () => {
    const set = await f.app.inject({
      method: 'PUT',
      url: '/api/failure-handlers',
      headers: auth,
      payload: { script: 'f/app/report', handler: 'f/app/alert' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().handler).toMatchObject({
      scope: 'script',
      target: 'f/app/report',
      handler: 'f/app/alert',
    });
    const list = await f.app.inject({ url: '/api/failure-handlers', headers: auth });
    expect(list.json().handlers).toHaveLength(1);
    const bad = await f.app.inject({
      method: 'PUT',
      url: '/api/failure-handlers',
      headers: auth,
      payload: { tag: 'x', handler: 'f/app/alert' },
    });
    expect(bad.json().error.code).toBe('invalid_failure_handler');
    const noHandlerKey = await f.app.inject({
      method: 'PUT',
      url: '/api/failure-handlers',
      headers: auth,
      payload: { script: 'f/app/report' },
    });
    expect(noHandlerKey.statusCode).toBe(400);
    await f.app.inject({
      method: 'PUT',
      url: '/api/failure-handlers',
      headers: auth,
      payload: { script: 'f/app/report', handler: null },
    });
    expect((await f.app.inject({ url: '/api/failure-handlers', headers: auth })).json().handlers).toEqual([]);
  });
});
