// Issue 14, item 1: the token check is decided on the route the router matched, so no spelling of
// a path (percent-encoded letters, HEAD instead of GET) reaches a protected route without it, and
// a route nobody marked public needs the token too.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './create-server';
import {
  errorCode,
  type ListeningFixture,
  openListeningFixture,
  rawRequest,
  tableSnapshot,
} from './http-test-support';
import { deploy } from './test-support';

const TOKEN = 'encoded-path-token-0123';
const json = { 'content-type': 'application/json' };
const DEPLOY = JSON.stringify({
  path: 'f/sec/evil',
  content: 'export function main() { return 1; }',
  language: 'javascript',
});

/** What the attack tried: every write that runs code, and the reads, with encoded letters. */
const ENCODED: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/%61pi/scripts' },
  { method: 'POST', path: '/%61pi/scripts', body: DEPLOY },
  { method: 'POST', path: '/a%70i/run/f/sec/echo?wait=true&timeoutMs=1' },
  { method: 'POST', path: '/%61%70%69/run/f/sec/echo' },
  { method: 'PUT', path: '/%61pi/worker-groups/x', body: JSON.stringify({ initScript: 'touch /tmp/pwned' }) },
  { method: 'PUT', path: '/api/worker-groups/%78', body: JSON.stringify({ initScript: 'touch /tmp/pwned' }) },
  { method: 'PUT', path: '/%61pi/script-settings/f/sec/echo', body: JSON.stringify({ priority: 5 }) },
  { method: 'DELETE', path: '/%61pi/worker-groups/default' },
  { method: 'POST', path: '/%61pi/jobs', body: JSON.stringify({ path: 'f/sec/echo' }) },
  { method: 'POST', path: '/%61pi/jobs/1/cancel' },
  { method: 'POST', path: '/%61pi/jobs/1/rerun' },
  { method: 'GET', path: '/%6Detrics' },
  { method: 'GET', path: '/%6detrics' },
  { method: 'GET', path: '/ap%69/jobs/1/logs/stream' },
  { method: 'GET', path: '/ap%69/jobs/1/logs' },
  { method: 'GET', path: '/%61pi/jobs' },
  { method: 'GET', path: '/%61pi/workers' },
  { method: 'GET', path: '/%61pi/worker-groups' },
  { method: 'GET', path: '/%61pi/script-versions/f/sec/echo' },
  { method: 'GET', path: '/%61pi/counts' },
  { method: 'HEAD', path: '/%61pi/scripts' },
  { method: 'HEAD', path: '/api/scripts' },
];

describe.each(testDrivers())('the token guards the routed path (%s)', (driver) => {
  let f: ListeningFixture;
  beforeAll(async () => {
    f = await openListeningFixture(driver, { token: TOKEN });
    await deploy(f.settings, 'f/sec/echo');
    await f.queue.push('f/sec/echo', {}); // job 1, so /jobs/1 routes exist for real
    await f.settings.setWorkerGroup('default', {});
  });
  afterAll(() => f.close());

  it.each(ENCODED)(
    '$method $path without the token: 401, nothing written',
    async ({ method, path, body }) => {
      const before = await tableSnapshot(f.db);
      const res = await rawRequest(f.port, { method, path, headers: json, body });
      expect(res.status, res.body).toBe(401);
      if (method !== 'HEAD') expect(errorCode(res)).toBe('unauthorized');
      expect(await tableSnapshot(f.db)).toBe(before);
    },
  );

  it('routes the same encoded paths with the token (they are real routes, not 404s)', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const path of ['/%61pi/scripts', '/%6Detrics', '/ap%69/jobs/1/logs']) {
      const res = await rawRequest(f.port, { path, headers: auth });
      expect(res.status, path).toBe(200);
    }
  });

  it('leaves only health, the auth probe and the UI open', async () => {
    expect((await rawRequest(f.port, { path: '/%61pi/health' })).status).toBe(200);
    expect((await rawRequest(f.port, { path: '/api/auth' })).status).toBe(200);
    expect((await rawRequest(f.port, { path: '/' })).status).toBe(200);
    // an unknown page gets the UI's index (public); an unknown API call without a token does not
    expect((await rawRequest(f.port, { path: '/somewhere', headers: { accept: 'text/html' } })).status).toBe(
      200,
    );
    expect((await rawRequest(f.port, { path: '/api/nope' })).status).toBe(401);
  });
});

describe('a route added without any access config', () => {
  it('needs the token: deny is the default', async () => {
    const f = await openListeningFixture('postgres', { token: TOKEN });
    const app = await createServer({ db: f.db, token: TOKEN, uiDir: null, defaultMetrics: false });
    try {
      app.get('/api/added-later', async () => ({ secret: true }));
      app.get('/elsewhere', async () => ({ secret: true }));
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as { port: number };
      for (const path of ['/api/added-later', '/%61pi/added-later', '/elsewhere', '/%65lsewhere']) {
        const res = await rawRequest(port, { path });
        expect(res.status, path).toBe(401);
        expect(res.body).not.toContain('secret');
      }
      const ok = await rawRequest(port, {
        path: '/elsewhere',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(ok.status).toBe(200);
    } finally {
      await app.close();
      await f.close();
    }
  });
});
