import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

const TOKEN = 'another-secret-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Every route of docs/http-api.md that needs the token, with a method. */
const PROTECTED: [string, string][] = [
  ['GET', '/api/scripts'],
  ['POST', '/api/scripts'],
  ['GET', '/api/scripts/f/sec/echo'],
  ['GET', '/api/script-versions/f/sec/echo'],
  ['GET', '/api/script-settings/f/sec/echo'],
  ['PUT', '/api/script-settings/f/sec/echo'],
  ['GET', '/api/worker-groups'],
  ['GET', '/api/worker-groups/default'],
  ['PUT', '/api/worker-groups/default'],
  ['DELETE', '/api/worker-groups/other'],
  ['GET', '/api/workers'],
  ['GET', '/api/jobs'],
  ['POST', '/api/jobs'],
  ['GET', '/api/jobs/1'],
  ['POST', '/api/jobs/1/cancel'],
  ['POST', '/api/jobs/1/rerun'],
  ['GET', '/api/jobs/1/logs'],
  ['GET', '/api/jobs/1/logs/stream'],
  ['POST', '/api/run/f/sec/echo'],
  ['GET', '/api/counts'],
  ['GET', '/api/stats/throughput'],
  ['GET', '/metrics'],
];

/** Rows in every Millrace table: a refused request must not change any of them. */
async function snapshot(f: ServerFixture): Promise<string> {
  const { rows } = await f.db.query(`
    SELECT (SELECT count(*) FROM millrace.jobs) AS jobs, (SELECT count(*) FROM millrace.job_queue) AS queue,
           (SELECT count(*) FROM millrace.scripts) AS scripts, (SELECT count(*) FROM millrace.script_versions) AS versions,
           (SELECT md5(string_agg(row(s.*)::text, ',' ORDER BY path)) FROM millrace.scripts s) AS script_rows,
           (SELECT md5(string_agg(row(g.*)::text, ',' ORDER BY name)) FROM millrace.worker_groups g) AS group_rows`);
  return JSON.stringify(rows[0]);
}

let f: ServerFixture;
beforeAll(async () => {
  f = await openServerFixture('postgres', { token: TOKEN });
  await deploy(f.settings, 'f/sec/echo');
});
afterAll(() => f.close());

describe('HTTP API security', () => {
  it.each(PROTECTED)('%s %s answers 401 without the token and writes nothing', async (method, url) => {
    const before = await snapshot(f);
    const res = await f.app.inject({
      method: method as 'GET',
      url,
      payload: method === 'GET' ? undefined : {},
    });
    expect(res.statusCode).toBe(401);
    expect(await snapshot(f)).toBe(before);
  });

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    const before = await snapshot(f);
    const big = JSON.stringify({ path: 'f/sec/echo', args: { blob: 'x'.repeat(6 * 1024 * 1024) } });
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/jobs',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: big,
    });
    expect(res.statusCode).toBe(413);
    expect(await snapshot(f)).toBe(before);
  });

  it('cannot be walked out of a job or script path', async () => {
    const before = await snapshot(f);
    for (const url of [
      '/api/jobs/..%2F..%2Fetc%2Fpasswd/logs/stream',
      '/api/jobs/1%20OR%201=1/logs',
      '/api/scripts/..%2F..%2Fetc%2Fpasswd',
      '/api/scripts/f/sec/echo%27%3B%20DROP%20TABLE%20millrace.jobs%3B--',
      '/api/jobs/-1/logs/stream',
    ]) {
      const res = await f.app.inject({ url, headers: auth });
      expect([400, 404], url).toContain(res.statusCode);
      expect(res.json().error.code, url).toMatch(/^[a-z_]+$/);
    }
    expect(await snapshot(f)).toBe(before);
  });

  it('answers any body on the write routes with success or a typed 4xx, never a 500 or a partial write', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom("'; DROP TABLE millrace.jobs; --", 'f/sec/echo', '../x', 'default'),
    );
    const body = fc.oneof(
      json,
      fc.record(
        { path: text, args: json, tag: text, priority: fc.oneof(fc.integer(), json) },
        { requiredKeys: [] },
      ),
      fc.record({
        jobs: fc.array(fc.record({ path: text, args: json }, { requiredKeys: [] }), { maxLength: 3 }),
      }),
      fc.record(
        { dedicated: json, tag: text, timeoutMs: json, maxAttempts: json, priority: json },
        { requiredKeys: [] },
      ),
      fc.record({ tags: json, dedicatedWorker: text, concurrency: json, env: json }, { requiredKeys: [] }),
    );
    const route = fc.constantFrom(
      ['POST', '/api/jobs'],
      ['PUT', '/api/script-settings/f/sec/echo'],
      ['PUT', '/api/worker-groups/fuzzed'],
      ['POST', '/api/scripts'],
      ['POST', '/api/run/f/sec/echo'],
    );
    await fc.assert(
      fc.asyncProperty(route, body, async ([method, url], payload) => {
        const before = await snapshot(f);
        const res = await f.app.inject({
          method: method as 'POST',
          url,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.json().error.code).toMatch(/^[a-z_]+$/);
          expect(await snapshot(f)).toBe(before);
        }
      }),
      { numRuns: 150 },
    );
    // whatever was accepted, the tables are all still there
    await f.db.query('SELECT 1 FROM millrace.jobs, millrace.scripts, millrace.worker_groups LIMIT 1');
  });
});
