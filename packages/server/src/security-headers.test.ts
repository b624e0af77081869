// Issue 14, item 5: the UI cannot be framed or sniffed (clickjacking of Re-run/Cancel), and a 500
// is reported with the request id the client also gets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type ListeningFixture, openListeningFixture, rawRequest } from './http-test-support';
import type { InternalErrorReport } from './options';

describe.each(testDrivers())('response headers and 500 reports (%s)', (driver) => {
  let f: ListeningFixture;
  let dir: string;
  const reports: InternalErrorReport[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'millrace-ui-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ui</title>');
    f = await openListeningFixture(driver, { uiDir: dir, onInternalError: (r) => reports.push(r) });
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forbids framing, sniffing and foreign scripts on the UI and the API', async () => {
    for (const path of ['/', '/index.html', '/api/scripts', '/api/nope']) {
      const res = await rawRequest(f.port, { path, headers: { accept: 'text/html' } });
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      const csp = String(res.headers['content-security-policy']);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("default-src 'self'");
      expect(res.headers['x-request-id'], path).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('reports a 500 with its request id, which the client also gets, and no detail to the client', async () => {
    // a real fault: the table the route reads is gone
    await f.db.query('ALTER TABLE millrace.worker_groups RENAME TO worker_groups_gone');
    let res: Awaited<ReturnType<typeof rawRequest>>;
    try {
      res = await rawRequest(f.port, { path: '/api/worker-groups?limit=5' });
    } finally {
      await f.db.query('ALTER TABLE millrace.worker_groups_gone RENAME TO worker_groups');
    }
    expect(res.status).toBe(500);
    expect(errorCode(res)).toBe('internal');
    const id = String(res.headers['x-request-id']);
    expect(JSON.parse(res.body).error.message).toBe(`internal server error (request ${id})`);
    expect(res.body).not.toContain('worker_groups');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      requestId: id,
      method: 'GET',
      url: '/api/worker-groups?limit=5',
      status: 500,
    });
    expect(String(reports[0].error)).toContain('worker_groups');
  });
});
