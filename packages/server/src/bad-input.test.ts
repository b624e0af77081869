import { afterAll, beforeAll, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres', { bodyLimit: 64 * 1024 });
  await deploy(f.settings, 'f/app/echo');
});
afterAll(() => f.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  f.app.inject({
    method: 'POST',
    url,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  });

it.each([
  ['/api/jobs', '{not json', 400, 'validation'],
  ['/api/jobs', { path: 'f/app/echo', argz: {} }, 400, 'validation'],
  ['/api/jobs', { path: 'f/app/echo', priority: 'high' }, 400, 'validation'],
  ['/api/jobs', { path: 'f/app/echo', priority: 5000 }, 400, 'invalid_job_options'],
  ['/api/jobs', { path: 'f/app/echo', args: 'x' }, 400, 'invalid_args'],
  // JSON.parse reads 1e999 as Infinity, which would be stored as null: refused like NaN from a library caller
  ['/api/jobs', '{"path":"f/app/echo","args":{"n":1e999}}', 400, 'invalid_args'],
  [
    '/api/jobs',
    '{"jobs":[{"path":"f/app/echo"},{"path":"f/app/echo","args":{"n":[-1e999]}}]}',
    400,
    'invalid_args',
  ],
  ['/api/run/f/app/echo', '{"n":1e999}', 400, 'invalid_args'],
  ['/api/jobs', { path: 'F/Bad' }, 400, 'invalid_path'],
  ['/api/jobs', { path: 'f/app/nope' }, 404, 'script_not_found'],
  ['/api/jobs', { jobs: [] }, 400, 'validation'],
  ['/api/jobs', { jobs: [{ path: 'f/app/echo' }, { path: 'f/app/nope' }] }, 404, 'script_not_found'],
  ['/api/jobs', { path: 'f/app/echo', args: { big: 'x'.repeat(70 * 1024) } }, 413, 'payload_too_large'],
  [
    '/api/scripts',
    { path: 'f/app/x', content: 'export const nope = 1;', language: 'javascript' },
    400,
    'invalid_script',
  ],
  ['/api/scripts', { path: 'f/app/x', content: 'x', language: 'cobol' }, 400, 'validation'],
  ['/api/scripts', { path: 'f/app/x' }, 400, 'validation'],
  ['/api/scripts', 'null', 400, 'validation'],
])('POST %s %j → %i %s, nothing written', async (url, payload, status, code) => {
  const res = await post(url, payload);
  expect(res.statusCode).toBe(status);
  expect(res.json().error.code).toBe(code);
  expect(await f.queue.list()).toHaveLength(0);
  expect((await f.settings.listScripts()).map((s) => s.path)).toEqual(['f/app/echo']);
});

it('answers unknown /api routes with a JSON 404', async () => {
  for (const url of ['/api/nope', '/api/jobs/1/nope', '/api']) {
    const res = await f.app.inject({ url, headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  }
});

it('refuses bad list queries with 400', async () => {
  for (const url of [
    '/api/jobs?status=done',
    '/api/jobs?limit=0',
    '/api/jobs?limit=501',
    '/api/jobs?before=@@',
    '/api/jobs?x=1',
  ]) {
    const res = await f.app.inject({ url });
    expect(res.statusCode, url).toBe(400);
    expect(res.json().error.code).toBe('validation');
  }
});
