// Issue 14, item 3: CSRF. What a page on another site can make a browser send without a CORS
// preflight — a bodyless or text/plain/form POST, with its Origin and Sec-Fetch-Site — changes
// nothing: every write needs Content-Type: application/json, and a request that says it comes
// from another site is refused.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCode,
  type ListeningFixture,
  openListeningFixture,
  rawRequest,
  tableSnapshot,
} from './http-test-support';
import { deploy } from './test-support';

describe.each(testDrivers())('cross-site writes (%s)', (driver) => {
  let f: ListeningFixture;
  let queued: string;
  let done: string;
  beforeAll(async () => {
    f = await openListeningFixture(driver); // no token: the case CSRF is about
    await deploy(f.settings, 'f/sec/echo');
    queued = await f.queue.push('f/sec/echo', {});
    done = await f.queue.push('f/sec/echo', {});
    const [job] = await f.queue.claim('w', ['node'], 1);
    await f.queue.complete([{ id: job.id, token: job.token, status: 'success', result: null }]);
  });
  afterAll(() => f.close());

  const writes = () => [
    `/api/run/f/sec/echo?priority=1000`,
    `/api/jobs/${queued}/cancel`,
    `/api/jobs/${done}/rerun`,
  ];
  // what fetch(url, { method: 'POST', mode: 'no-cors' }), a form post and sendBeacon send
  const simple: Record<string, string>[] = [
    {},
    { 'content-type': 'text/plain;charset=UTF-8' },
    { 'content-type': 'application/x-www-form-urlencoded' },
    { 'content-type': 'multipart/form-data; boundary=x' },
  ];

  it('refuses simple (preflight-free) POSTs with 415 JSON_REQUIRED, even with no Origin at all', async () => {
    const before = await tableSnapshot(f.db);
    for (const path of writes()) {
      for (const headers of simple) {
        const res = await rawRequest(f.port, {
          method: 'POST',
          path,
          headers,
          body: headers['content-type'] ? 'a=1' : undefined,
        });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(415);
        expect(errorCode(res)).toBe('json_required');
      }
    }
    const del = await rawRequest(f.port, { method: 'DELETE', path: '/api/worker-groups/default' });
    expect(del.status).toBe(415);
    expect(await tableSnapshot(f.db)).toBe(before);
  });

  it('refuses what a browser marks as another site with 403, whatever the content type', async () => {
    const before = await tableSnapshot(f.db);
    const foreign: Record<string, string>[] = [
      { origin: 'http://attacker.example', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      // another port of the same host is the same *site*: still not this server's own page
      { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-site' },
      { origin: 'http://localhost:3000' },
      { origin: 'null' },
    ];
    for (const path of writes()) {
      for (const h of foreign) {
        const headers = { ...h, 'content-type': 'application/json' };
        const res = await rawRequest(f.port, { method: 'POST', path, headers, body: '{}' });
        expect(res.status, `${path} ${JSON.stringify(h)}`).toBe(403);
        expect(errorCode(res)).toBe('cross_site_request');
      }
    }
    // reads too: a cross-site page has no business with the API
    const read = await rawRequest(f.port, { path: '/api/jobs', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(read.status).toBe(403);
    expect(await tableSnapshot(f.db)).toBe(before);
  });

  it("accepts the UI's own requests: JSON, same origin", async () => {
    const own = {
      'content-type': 'application/json',
      origin: `http://127.0.0.1:${f.port}`,
      'sec-fetch-site': 'same-origin',
    };
    const run = await rawRequest(f.port, { method: 'POST', path: '/api/run/f/sec/echo', headers: own });
    expect(run.status).toBe(202);
    const cancel = await rawRequest(f.port, {
      method: 'POST',
      path: `/api/jobs/${JSON.parse(run.body).id}/cancel`,
      headers: own,
    });
    expect(cancel.status).toBe(200);
    // a non-browser client (curl) sends neither Origin nor Sec-Fetch-Site
    const curl = await rawRequest(f.port, {
      method: 'POST',
      path: `/api/jobs/${done}/rerun`,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(curl.status).toBe(201);
  });
});

it('accepts an Origin on the allow-list (the UI behind a proxy that rewrites Host)', async () => {
  const f = await openListeningFixture('postgres', { allowedHosts: ['millrace.example.com'] });
  try {
    await deploy(f.settings, 'f/sec/echo');
    const headers = { 'content-type': 'application/json', origin: 'https://millrace.example.com' };
    expect((await rawRequest(f.port, { method: 'POST', path: '/api/run/f/sec/echo', headers })).status).toBe(
      202,
    );
    const other = { 'content-type': 'application/json', origin: 'https://other.example.com' };
    expect(
      (await rawRequest(f.port, { method: 'POST', path: '/api/run/f/sec/echo', headers: other })).status,
    ).toBe(403);
  } finally {
    await f.close();
  }
});
