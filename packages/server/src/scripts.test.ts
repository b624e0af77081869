import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO, openServerFixture, type ServerFixture } from './test-support';

describe.each(testDrivers())('scripts routes (%s)', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver);
  });
  afterAll(() => f.close());

  it('deploys, then redeploying the same content is a 200 with the same version', async () => {
    const body = { path: 'f/app/echo', content: ECHO, language: 'javascript' };
    const first = await f.app.inject({ method: 'POST', url: '/api/scripts', payload: body });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ path: 'f/app/echo', version: 1 });
    const again = await f.app.inject({ method: 'POST', url: '/api/scripts', payload: body });
    expect(again.statusCode).toBe(200);
    expect(again.json().version).toBe(1);
    const second = await f.app.inject({
      method: 'POST',
      url: '/api/scripts',
      payload: { ...body, content: `${ECHO}\n// v2` },
    });
    expect(second.statusCode).toBe(201);
    expect(second.json().version).toBe(2);
  });

  it('lists without content, gets the latest or a version', async () => {
    const list = await f.app.inject({ url: '/api/scripts' });
    expect(list.statusCode).toBe(200);
    const [script] = list.json().scripts;
    expect(script).toMatchObject({
      path: 'f/app/echo',
      version: 2,
      resolvedTag: 'node',
      language: 'javascript',
    });
    expect(script.content).toBeUndefined();

    const latest = await f.app.inject({ url: '/api/scripts/f/app/echo' });
    expect(latest.json()).toMatchObject({ version: 2, content: `${ECHO}\n// v2` });
    const v1 = await f.app.inject({ url: '/api/scripts/f/app/echo?version=1' });
    expect(v1.json()).toMatchObject({ version: 1, content: ECHO });
    expect(typeof v1.json().createdAt).toBe('string');
  });

  it('answers 404 for an unknown script or version, 400 for a bad path', async () => {
    const missing = await f.app.inject({ url: '/api/scripts/f/app/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('script_not_found');
    const version = await f.app.inject({ url: '/api/scripts/f/app/echo?version=9' });
    expect(version.statusCode).toBe(404);
    expect(version.json().error.code).toBe('script_version_not_found');
    const bad = await f.app.inject({ url: '/api/scripts/F/Bad Path' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_path');
  });

  it('lists versions newest first', async () => {
    const res = await f.app.inject({ url: '/api/script-versions/f/app/echo' });
    expect(res.json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('reads and patches settings, returning the resolved tag', async () => {
    const before = await f.app.inject({ url: '/api/script-settings/f/app/echo' });
    expect(before.json()).toMatchObject({
      path: 'f/app/echo',
      resolvedTag: 'node',
      settings: { dedicated: false },
    });
    const put = await f.app.inject({
      method: 'PUT',
      url: '/api/script-settings/f/app/echo',
      payload: { dedicated: true, maxAttempts: 3 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      resolvedTag: 'dedicated:f/app/echo',
      settings: { dedicated: true, maxAttempts: 3, priority: 0 },
    });
    const refused = await f.app.inject({
      method: 'PUT',
      url: '/api/script-settings/f/app/echo',
      payload: { maxAttempts: 0 },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('invalid_settings');
  });
});
