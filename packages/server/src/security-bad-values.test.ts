// Issue 14, item 5: values the database cannot hold are a 400/404 at the HTTP boundary, never a
// 500 and never a partial write: NUL in any text, job ids and cursors past PostgreSQL's bigint,
// and stream positions past its integer attempts.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCode,
  type ListeningFixture,
  openListeningFixture,
  rawRequest,
  tableSnapshot,
} from './http-test-support';
import { encodeCursor } from './job-cursor';
import { MAX_STREAM_SEQ } from './log-seq';
import { deploy } from './test-support';

const json = { 'content-type': 'application/json' };
const NUL = '\u0000';
const HUGE_IDS = [
  '9223372036854775808',
  '9223372036854775809',
  '9999999999999999999',
  '18446744073709551616',
];

describe.each(testDrivers())('values the database cannot hold (%s)', (driver) => {
  let f: ListeningFixture;
  let finished: string;
  beforeAll(async () => {
    f = await openListeningFixture(driver);
    await deploy(f.settings, 'f/sec/echo');
    await f.settings.setWorkerGroup('g', { env: { A: 'b' } });
    finished = await f.queue.push('f/sec/echo', {});
    const [job] = await f.queue.claim('w', ['node'], 1);
    await f.queue.complete([{ id: job.id, token: job.token, status: 'success', result: null }]);
  });
  afterAll(() => f.close());

  const writes: [string, string, unknown][] = [
    ['POST', '/api/scripts', { path: 'f/sec/nul', content: `export function main() {}//${NUL}` }],
    ['POST', '/api/scripts', { path: 'f/sec/echo', content: `export function main() { return '${NUL}'; }` }],
    ['PUT', '/api/worker-groups/g', { env: { A: `x${NUL}y` } }],
    ['PUT', '/api/worker-groups/g', { env: { [`A${NUL}`]: 'y' } }],
    ['PUT', '/api/worker-groups/g', { initScript: `echo hi${NUL}` }],
    ['PUT', '/api/worker-groups/new', { initScript: `${NUL}` }],
    ['PUT', '/api/worker-groups/g', { tags: [`node${NUL}`] }],
    ['PUT', '/api/worker-groups/g', { dedicatedWorker: `f/sec/echo${NUL}` }],
    ['PUT', '/api/script-settings/f/sec/echo', { tag: `t${NUL}` }],
    ['POST', '/api/jobs', { path: `f/sec/echo${NUL}` }],
    ['POST', '/api/jobs', { path: 'f/sec/echo', tag: `node${NUL}` }],
    ['POST', '/api/jobs', { jobs: [{ path: 'f/sec/echo' }, { path: 'f/sec/echo', args: { a: NUL } }] }],
    ['POST', '/api/run/f/sec/echo', { a: `${NUL}` }],
    ['POST', `/api/jobs/${'1'}/rerun`, { args: { a: NUL } }],
  ];

  it.each(writes)('%s %s with NUL in %j: 400, nothing written', async (method, path, body) => {
    const before = await tableSnapshot(f.db);
    const res = await rawRequest(f.port, { method, path, headers: json, body: JSON.stringify(body) });
    expect(res.status, res.body).toBe(400);
    expect(errorCode(res)).toMatch(/^(validation|invalid_args|invalid_path)$/);
    expect(await tableSnapshot(f.db)).toBe(before);
  });

  it('refuses NUL in query strings and path parameters with a 4xx', async () => {
    for (const path of [
      '/api/jobs?path=f/sec/echo%00',
      '/api/jobs?tag=node%00',
      '/api/jobs?worker=w%00',
      '/api/workers?group=g%00',
      '/api/scripts?after=%00',
      '/api/scripts/f/sec/echo%00',
      '/api/script-versions/f/sec/echo%00',
      '/api/worker-groups/g%00',
      `/api/jobs/${finished}%00`,
    ]) {
      const res = await rawRequest(f.port, { path });
      expect(res.status, `${path}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('answers job ids past the bigint range with 404 on every job route', async () => {
    const before = await tableSnapshot(f.db);
    for (const id of [...HUGE_IDS, '9223372036854775807']) {
      for (const [method, path] of [
        ['GET', `/api/jobs/${id}`],
        ['GET', `/api/jobs/${id}/logs`],
        ['GET', `/api/jobs/${id}/logs/stream`],
        ['POST', `/api/jobs/${id}/cancel`],
        ['POST', `/api/jobs/${id}/rerun`],
      ]) {
        const res = await rawRequest(f.port, { method, path, headers: json });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(errorCode(res)).toBe('job_not_found');
      }
    }
    expect(await tableSnapshot(f.db)).toBe(before);
  });

  it('answers `before` cursors past the bigint range with 400', async () => {
    for (const id of HUGE_IDS) {
      const res = await rawRequest(f.port, { path: `/api/jobs?before=${encodeCursor(id)}` });
      expect(res.status, id).toBe(400);
      expect(errorCode(res)).toBe('validation');
    }
    const last = await rawRequest(f.port, {
      path: `/api/jobs?before=${encodeCursor('9223372036854775807')}`,
    });
    expect(last.status).toBe(200);
  });

  it('refuses stream positions past the last possible attempt, and ends a finished job from the last one', async () => {
    for (const query of ['?after=9007199254740991', `?after=${MAX_STREAM_SEQ + 1}`]) {
      const res = await rawRequest(f.port, { path: `/api/jobs/${finished}/logs/stream${query}` });
      expect(res.status, query).toBe(400);
      expect(errorCode(res)).toBe('validation');
    }
    const header = await rawRequest(f.port, {
      path: `/api/jobs/${finished}/logs/stream`,
      headers: { 'last-event-id': '9007199254740991' },
    });
    expect(header.status).toBe(400);
    const res = await fetch(`${f.server.url}/api/jobs/${finished}/logs/stream?after=${MAX_STREAM_SEQ}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('event: end\ndata: {"status":"success"}');
  });
});
