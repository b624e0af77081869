import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './create-server';
import { ServerConfigError } from './errors';
import { startServer } from './start-server';
import { openServerFixture, type ServerFixture } from './test-support';

const TOKEN = 'secret-token-123';

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres', { token: TOKEN });
});
afterAll(() => f.close());

describe('with a token', () => {
  it('refuses /api and /metrics without a token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }]) {
      for (const url of ['/api/scripts', '/api/jobs/1', '/metrics', '/api/nope']) {
        const res = await f.app.inject({ url, headers });
        expect(res.statusCode, url).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect(res.json().error.code).toBe('unauthorized');
      }
    }
  });

  it('refuses the token in the query string', async () => {
    const res = await f.app.inject({ url: `/api/scripts?token=${TOKEN}` });
    expect(res.statusCode).toBe(401);
  });

  it('accepts the right bearer token', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect((await f.app.inject({ url: '/api/scripts', headers })).statusCode).toBe(200);
    expect((await f.app.inject({ url: '/metrics', headers })).statusCode).toBe(200);
  });

  it('leaves health, the auth probe and the UI open', async () => {
    expect((await f.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    expect((await f.app.inject({ url: '/api/auth' })).json()).toEqual({ required: true, ok: false });
    const ok = await f.app.inject({ url: '/api/auth', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.json()).toEqual({ required: true, ok: true });
    expect((await f.app.inject({ url: '/' })).statusCode).toBe(200);
  });
});

describe('without a token', () => {
  it('needs no auth on loopback', async () => {
    const app = await createServer({ db: f.db, uiDir: null, defaultMetrics: false });
    try {
      expect((await app.inject({ url: '/api/scripts' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/api/auth' })).json()).toEqual({ required: false, ok: true });
    } finally {
      await app.close();
    }
  });

  it('refuses to start on a non-loopback host, and when dev mode is off', async () => {
    await expect(startServer({ db: f.db, host: '0.0.0.0', port: 0 })).rejects.toThrow(ServerConfigError);
    await expect(startServer({ db: f.db, host: '0.0.0.0', port: 0 })).rejects.toThrow(/without a token/);
    await expect(createServer({ db: f.db, devLoopback: false })).rejects.toThrow(/token is required/);
  });

  it('starts on 0.0.0.0 with a token', async () => {
    const server = await startServer({ db: f.db, host: '0.0.0.0', port: 0, token: TOKEN, uiDir: null });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/scripts`);
      expect(res.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
