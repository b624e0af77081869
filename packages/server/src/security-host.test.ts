// Issue 14, item 2: DNS rebinding. A tokenless server answers only the names it is known by —
// loopback names, or the allow-list — so a page whose name an attacker re-points at 127.0.0.1
// reads nothing and runs nothing.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerConfigError } from './errors';
import {
  errorCode,
  type ListeningFixture,
  openListeningFixture,
  rawRequest,
  tableSnapshot,
} from './http-test-support';
import { startServer } from './start-server';
import { deploy } from './test-support';

const json = { 'content-type': 'application/json' };

describe.each(testDrivers())('Host names (%s)', (driver) => {
  let f: ListeningFixture;
  beforeAll(async () => {
    f = await openListeningFixture(driver); // no token: dev mode on loopback
    await deploy(f.settings, 'f/sec/echo');
  });
  afterAll(() => f.close());

  it('refuses a rebound name with 421 on reads, deploys and runs, and writes nothing', async () => {
    const before = await tableSnapshot(f.db);
    for (const host of [`attacker.example:${f.port}`, 'attacker.example', `127.0.0.1.nip.io:${f.port}`]) {
      const headers = { host, ...json };
      const reads = await rawRequest(f.port, { path: '/api/scripts', headers });
      expect(reads.status, host).toBe(421);
      expect(errorCode(reads)).toBe('host_not_allowed');
      expect(reads.body).not.toContain('f/sec/echo');
      const body = JSON.stringify({ path: 'f/sec/evil', content: 'export function main() {}' });
      expect((await rawRequest(f.port, { method: 'POST', path: '/api/scripts', headers, body })).status).toBe(
        421,
      );
      const run = await rawRequest(f.port, { method: 'POST', path: '/api/run/f/sec/echo', headers });
      expect(run.status).toBe(421);
      expect((await rawRequest(f.port, { path: '/', headers })).status, 'the UI too').toBe(421);
    }
    expect(await tableSnapshot(f.db)).toBe(before);
  });

  it('answers the loopback names, with or without the port', async () => {
    for (const host of [
      `127.0.0.1:${f.port}`,
      `localhost:${f.port}`,
      `[::1]:${f.port}`,
      'localhost',
      'LOCALHOST',
    ]) {
      const res = await rawRequest(f.port, { path: '/api/scripts', headers: { host } });
      expect(res.status, host).toBe(200);
    }
  });
});

describe('the allow-list and the token', () => {
  it('answers a listed name (and its port, when the entry has one) besides loopback', async () => {
    const f = await openListeningFixture('postgres', {
      allowedHosts: ['millrace.internal', 'ci.example:9000'],
    });
    try {
      const status = async (host: string) =>
        (await rawRequest(f.port, { path: '/api/scripts', headers: { host } })).status;
      expect(await status('millrace.internal')).toBe(200);
      expect(await status(`millrace.internal:${f.port}`)).toBe(200);
      expect(await status('ci.example:9000')).toBe(200);
      expect(await status('ci.example:9001')).toBe(421);
      expect(await status('other.example')).toBe(421);
      expect(await status(`127.0.0.1:${f.port}`)).toBe(200);
    } finally {
      await f.close();
    }
  });

  it('answers any Host with a token and no list (the token protects), the list when given', async () => {
    const token = 'host-check-token-0123';
    const f = await openListeningFixture('postgres', { token });
    try {
      const headers = { host: 'millrace.example.com', authorization: `Bearer ${token}` };
      expect((await rawRequest(f.port, { path: '/api/scripts', headers })).status).toBe(200);
      expect(
        (await rawRequest(f.port, { path: '/api/scripts', headers: { host: 'x.example' } })).status,
      ).toBe(401);
    } finally {
      await f.close();
    }
    const listed = await openListeningFixture('postgres', { token, allowedHosts: ['millrace.example.com'] });
    try {
      const headers = { host: 'other.example', authorization: `Bearer ${token}` };
      expect((await rawRequest(listed.port, { path: '/api/scripts', headers })).status).toBe(421);
    } finally {
      await listed.close();
    }
  });

  it('refuses an allow-list entry that is not a host name', async () => {
    const f = await openListeningFixture('postgres');
    try {
      await expect(
        startServer({ db: f.db, port: 0, uiDir: null, allowedHosts: ['http://x.example/'] }),
      ).rejects.toThrow(ServerConfigError);
    } finally {
      await f.close();
    }
  });
});
