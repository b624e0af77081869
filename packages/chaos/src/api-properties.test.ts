// Property-based tests over the public API: random paths, args, options and settings either
// succeed or fail with the documented typed error — and a failure writes nothing at all. The same
// over HTTP: any request to the server is a success or a typed 4xx, never a 500 or a partial write
// (NUL in every text, job ids and cursors past PostgreSQL's bigint).
import { MillraceError } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { createServer } from '@millrace/server';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PUSH_CODES = new Set([
  'invalid_path',
  'script_not_found',
  'invalid_args',
  'args_too_large',
  'invalid_job_options',
]);
const SETTINGS_CODES = new Set(['invalid_path', 'script_not_found', 'invalid_settings']);
// a dedicated group naming a script that does not exist is refused with ScriptNotFoundError
const GROUP_CODES = new Set(['invalid_worker_group', 'script_not_found']);
const KNOWN_PATHS = ['f/prop/a', 'f/prop/b'];

/** Text with NUL somewhere (PostgreSQL cannot store it): a typed error, never a database one. */
const nulText = fc
  .tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }))
  .map(([a, b]) => `${a}\u0000${b}`);
const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
const pathArb = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')), // well-formed, mostly unknown
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    '/',
    'f//x',
    'F/Upper',
    'f/x/',
    `f/${'a'.repeat(300)}`,
    "f/x'; DROP TABLE millrace.jobs; --",
    'f/x\u0000y',
    'f/prop/a\u0000',
  ),
  fc.anything() as fc.Arbitrary<never>,
);
const argsArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  },
  { weight: 1, arbitrary: fc.anything() },
  { weight: 1, arbitrary: fc.constantFrom({ nul: 'a\u0000b' }, { big: 'x'.repeat(5000) }, { u: '\ud800' }) },
);
const optionsArb = fc.oneof(
  fc.record(
    {
      tag: fc.oneof(
        fc.stringMatching(/^[a-z0-9_:/.-]{1,12}$/),
        fc.string({ maxLength: 12 }),
        fc.constant('node\u0000'),
      ),
      priority: fc.oneof(fc.integer({ min: -1200, max: 1200 }), fc.double()),
      scheduledFor: fc.oneof(fc.date({ noInvalidDate: false }), fc.string({ maxLength: 10 })),
      timeoutMs: fc.oneof(fc.integer({ min: -5, max: 100_000_000 }), fc.constant(null)),
      maxAttempts: fc.integer({ min: -1, max: 120 }),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.anything(), { maxKeys: 2 }),
  fc.anything(),
);

async function expectTypedOrSuccess<T>(call: () => Promise<T>, codes: Set<string>) {
  try {
    return { ok: true as const, value: await call() };
  } catch (err) {
    // the documented contract: a MillraceError with one of the operation's codes
    if (!(err instanceof MillraceError) || !codes.has(err.code)) throw err;
    return { ok: false as const, code: err.code };
  }
}

describe.each(testDrivers())('public API properties on %s', (driver) => {
  let t: TestDb;
  let settings: Settings;
  let queue: Queue;
  const snapshot = async () =>
    (
      await t.db.query<{ s: string }>(`
        SELECT (SELECT count(*) FROM millrace.jobs) || '/' || (SELECT count(*) FROM millrace.job_queue) || '/' ||
               (SELECT coalesce(string_agg(path || tag::text || max_attempts || priority || coalesce(timeout_ms, -1) || dedicated, ',' ORDER BY path), '') FROM millrace.scripts) || '/' ||
               (SELECT string_agg(name || tags::text || concurrency || env::text || coalesce(dedicated_worker, '-') || md5(coalesce(init_script, '-')), ',' ORDER BY name) FROM millrace.worker_groups) || '/' ||
               (SELECT count(*) FROM millrace.script_versions) AS s`)
    ).rows[0].s;
  const runs = driver === 'pglite' ? 60 : 150;

  beforeAll(async () => {
    t = await openTestDb(driver);
    settings = new Settings(t.db);
    queue = new Queue(t.db, { settings, maxArgsBytes: 4096 });
    for (const path of KNOWN_PATHS)
      await settings.deployScript({
        path,
        content: 'export function main(a) { return a; }',
        language: 'javascript',
      });
  });
  afterAll(() => t.drop());

  it('push: a job exactly as asked, or a typed error and no write', async () => {
    await fc.assert(
      fc.asyncProperty(pathArb, argsArb, optionsArb, async (path, args, options) => {
        const before = await snapshot();
        const r = await expectTypedOrSuccess(
          () => queue.push(path, args as never, options as never),
          PUSH_CODES,
        );
        if (!r.ok) {
          expect(await snapshot()).toBe(before);
          return;
        }
        const job = await queue.get(r.value);
        expect(job.path).toBe(path);
        expect(job.status).toBe('queued');
        // null or undefined args mean "no args": {}
        expect(job.args).toEqual(JSON.parse(JSON.stringify(args ?? {})));
      }),
      { numRuns: runs },
    );
  });

  it('pushMany: all jobs or none', async () => {
    const request = fc.record({ path: pathArb, args: argsArb }, { requiredKeys: ['path'] });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { maxLength: 6 }), async (requests) => {
        const before = Number(
          (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM millrace.jobs')).rows[0].n,
        );
        const beforeSnap = await snapshot();
        const r = await expectTypedOrSuccess(() => queue.pushMany(requests as never), PUSH_CODES);
        const after = Number(
          (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM millrace.jobs')).rows[0].n,
        );
        if (r.ok) {
          expect(r.value).toHaveLength(requests.length);
          expect(after).toBe(before + requests.length);
        } else expect(await snapshot()).toBe(beforeSnap);
      }),
      { numRuns: runs },
    );
  });

  it('setScriptSettings: applied and read back, or a typed error and nothing changed', async () => {
    const patchArb = fc.oneof(
      fc.record(
        {
          dedicated: fc.oneof(fc.boolean(), fc.anything()),
          tag: fc.oneof(
            fc.stringMatching(/^[a-z0-9_:/.-]{1,12}$/),
            fc.constant(null),
            fc.string({ maxLength: 12 }),
            fc.constant('t\u0000'),
          ),
          timeoutMs: fc.oneof(fc.integer({ min: -5, max: 100_000_000 }), fc.constant(null)),
          maxAttempts: fc.oneof(fc.integer({ min: -1, max: 120 }), fc.double()),
          priority: fc.integer({ min: -1200, max: 1200 }),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(pathArb, patchArb, async (path, patch) => {
        const before = await snapshot();
        const r = await expectTypedOrSuccess(
          () => settings.setScriptSettings(path, patch as never),
          SETTINGS_CODES,
        );
        if (!r.ok) {
          expect(await snapshot()).toBe(before);
          return;
        }
        const script = await settings.getScript(path);
        expect(script.settings).toEqual(r.value.settings);
        // a key given as undefined leaves that setting as it was
        for (const [k, v] of Object.entries(patch as object))
          if (v !== undefined) expect(script.settings).toHaveProperty(k, v);
      }),
      { numRuns: runs },
    );
  });

  it('setWorkerGroup: stored as given, or a typed error and nothing changed', async () => {
    const nameArb = fc.oneof(
      fc.stringMatching(/^[a-z0-9_-]{1,10}$/),
      fc.string({ maxLength: 12 }),
      fc.constant('a'.repeat(65)),
      fc.constant('g\u0000'),
    );
    const inputArb = fc.oneof(
      fc.record(
        {
          tags: fc.array(
            fc.oneof(
              fc.stringMatching(/^[a-z0-9_]{1,6}$/),
              fc.string({ maxLength: 6 }),
              fc.constant('dedicated:x'),
              fc.constant('n\u0000'),
            ),
            { maxLength: 3 },
          ),
          concurrency: fc.oneof(fc.integer({ min: -1, max: 1100 }), fc.double()),
          env: fc.dictionary(
            fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,5}$/), fc.string({ maxLength: 5 })),
            fc.oneof(fc.string({ maxLength: 5 }), nulText),
            { maxKeys: 3 },
          ),
          initScript: fc.oneof(fc.string({ maxLength: 20 }), nulText, fc.constant(null)),
          dedicatedWorker: fc.oneof(pathArb, fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(nameArb, inputArb, async (name, input) => {
        const before = await snapshot();
        const r = await expectTypedOrSuccess(
          () => settings.setWorkerGroup(name, input as never),
          GROUP_CODES,
        );
        if (!r.ok) {
          expect(await snapshot()).toBe(before);
          return;
        }
        const group = await settings.getWorkerGroup(name);
        expect(group).toEqual(r.value);
        const given = (input ?? {}) as Record<string, unknown>;
        if (given.tags !== undefined) expect(group.tags).toEqual(given.tags);
        if (given.concurrency !== undefined) expect(group.concurrency).toBe(given.concurrency);
      }),
      { numRuns: runs },
    );
  });

  it('deployScript: a new or the same version, or a typed error and no write', async () => {
    const contentArb = fc.oneof(
      fc.constant('export function main(a) { return a; }'),
      fc.string({ maxLength: 40 }).map((c) => `export function main() { return ${JSON.stringify(c)}; }`),
      nulText.map((c) => `export function main() { return 1; } // ${c}`),
      fc.string({ maxLength: 30 }),
    );
    await fc.assert(
      fc.asyncProperty(pathArb, contentArb, async (path, content) => {
        const before = await snapshot();
        const r = await expectTypedOrSuccess(
          () => settings.deployScript({ path, content, language: 'javascript' }),
          new Set(['invalid_path', 'invalid_script']),
        );
        if (!r.ok) {
          expect(await snapshot()).toBe(before);
          return;
        }
        expect((await settings.getScript(path, { version: r.value.version })).content).toBe(content);
      }),
      { numRuns: runs },
    );
  });
});

// Job ids: real ones, the bigint edge, past it (2^63 … 10^19 − 1), and garbage.
const idArb = fc.oneof(
  fc.constantFrom('1', '2', '9223372036854775807', '9223372036854775808', '9999999999999999999', '0', '-1'),
  fc.bigInt({ min: 2n ** 63n, max: 10n ** 19n - 1n }).map(String),
  fc.string({ maxLength: 8 }),
  nulText,
);
const textArb = fc.oneof(
  fc.string({ maxLength: 10 }),
  nulText,
  fc.constantFrom('f/prop/a', 'node', 'default'),
);
const bodyArb = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record(
    {
      path: textArb,
      content: textArb,
      args: fc.jsonValue({ maxDepth: 2 }),
      tag: textArb,
      priority: fc.integer(),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      tags: fc.array(textArb, { maxLength: 2 }),
      env: fc.dictionary(fc.constantFrom('A', 'B_1', 'x\u0000'), textArb, { maxKeys: 2 }),
      initScript: fc.oneof(textArb, fc.constant(null)),
      dedicatedWorker: fc.oneof(textArb, fc.constant(null)),
      concurrency: fc.integer({ min: -2, max: 2000 }),
    },
    { requiredKeys: [] },
  ),
  fc.record({ tag: fc.oneof(textArb, fc.constant(null)), maxAttempts: fc.integer() }, { requiredKeys: [] }),
);
const q = (s: string) => encodeURIComponent(s);
const requestArb = fc.oneof(
  fc.tuple(fc.constantFrom('GET', 'POST'), idArb).map(([m, id]) => [m, `/api/jobs/${q(id)}`]),
  fc
    .tuple(fc.constantFrom('cancel', 'rerun', 'logs'), idArb)
    .map(([op, id]) => [op === 'logs' ? 'GET' : 'POST', `/api/jobs/${q(id)}/${op}`]),
  // streams only of job 1 (finished: its stream ends) or of ids no job can have
  idArb
    .filter((id) => id === '1' || !/^\d{1,18}$/.test(id))
    .map((id) => ['GET', `/api/jobs/${q(id)}/logs/stream`]),
  idArb.map((id) => ['GET', `/api/jobs?before=${Buffer.from(id).toString('base64url')}`]),
  fc
    .tuple(fc.constantFrom('path', 'tag', 'worker', 'status'), textArb)
    .map(([k, v]) => ['GET', `/api/jobs?${k}=${q(v)}`]),
  fc
    .constantFrom('0', '9007199254740991', '2147483647000000', 'x', '-1')
    .map((a) => ['GET', `/api/jobs/1/logs/stream?after=${a}`]),
  fc
    .tuple(fc.constantFrom('/api/scripts', '/api/worker-groups', '/api/script-versions/f/prop/a'), textArb)
    .map(([u, c]) => ['GET', `${u}?${u.includes('versions') ? 'before' : 'after'}=${q(c)}&limit=2`]),
  fc.constantFrom(
    ['POST', '/api/scripts'],
    ['POST', '/api/jobs'],
    ['POST', '/api/run/f/prop/a'],
    ['PUT', '/api/worker-groups/fuzz'],
    ['PUT', '/api/script-settings/f/prop/a'],
  ),
  textArb.map((name) => ['PUT', `/api/worker-groups/${q(name)}`]),
);

describe.each(testDrivers())('HTTP API properties on %s', (driver) => {
  let t: TestDb;
  let app: Awaited<ReturnType<typeof createServer>>;
  const snapshot = async () =>
    JSON.stringify(
      (
        await t.db.query(`
          SELECT (SELECT count(*) FROM millrace.jobs) AS jobs, (SELECT count(*) FROM millrace.job_queue) AS queued,
                 (SELECT md5(coalesce(string_agg(row(q.*)::text, ',' ORDER BY id), '')) FROM millrace.job_queue q) AS queue_rows,
                 (SELECT count(*) FROM millrace.script_versions) AS versions,
                 (SELECT md5(coalesce(string_agg(row(s.*)::text, ',' ORDER BY path), '')) FROM millrace.scripts s) AS scripts,
                 (SELECT md5(coalesce(string_agg(row(g.*)::text, ',' ORDER BY name), '')) FROM millrace.worker_groups g) AS groups`)
      ).rows[0],
    );

  beforeAll(async () => {
    t = await openTestDb(driver);
    const settings = new Settings(t.db);
    for (const path of KNOWN_PATHS)
      await settings.deployScript({
        path,
        content: 'export function main(a) { return a; }',
        language: 'javascript',
      });
    app = await createServer({
      db: t.db,
      settings,
      uiDir: null,
      defaultMetrics: false,
      maxLogStreamsPerJob: 1000,
    });
    const queue = new Queue(t.db, { settings });
    await queue.push('f/prop/a', {}); // job 1, finished: its log stream ends
    const [job] = await queue.claim('w', ['node'], 1);
    await queue.appendLogs([{ id: job.id, attempt: 1, seq: 0, text: 'a log line\n' }]);
    await queue.complete([{ id: job.id, token: job.token, status: 'success', result: null }]);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('any request: success or a typed 4xx, never a 500, and a refused one writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, bodyArb, async ([method, url], body) => {
        const before = await snapshot();
        const res = await app.inject({
          method: method as 'GET',
          url,
          headers: { 'content-type': 'application/json' },
          payload: method === 'GET' ? undefined : JSON.stringify(body),
        });
        const what = `${method} ${url} ${JSON.stringify(body)} → ${res.statusCode}`;
        expect(res.statusCode, what).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.json().error.code, what).toMatch(/^[a-z_]+$/);
          expect(await snapshot(), what).toBe(before);
        }
      }),
      { numRuns: driver === 'pglite' ? 100 : 250 },
    );
  });
});
