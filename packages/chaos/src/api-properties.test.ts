// Property-based tests over the public API: random paths, args, options and settings either
// succeed or fail with the documented typed error — and a failure writes nothing at all.
import { MillraceError } from '@millrace/db';
import { Queue } from '@millrace/queue';
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
      tag: fc.oneof(fc.stringMatching(/^[a-z0-9_:/.-]{1,12}$/), fc.string({ maxLength: 12 })),
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
               (SELECT string_agg(name || tags::text || concurrency || env::text || coalesce(dedicated_worker, '-'), ',' ORDER BY name) FROM millrace.worker_groups) AS s`)
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
    );
    const inputArb = fc.oneof(
      fc.record(
        {
          tags: fc.array(
            fc.oneof(
              fc.stringMatching(/^[a-z0-9_]{1,6}$/),
              fc.string({ maxLength: 6 }),
              fc.constant('dedicated:x'),
            ),
            { maxLength: 3 },
          ),
          concurrency: fc.oneof(fc.integer({ min: -1, max: 1100 }), fc.double()),
          env: fc.dictionary(
            fc.oneof(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,5}$/), fc.string({ maxLength: 5 })),
            fc.string({ maxLength: 5 }),
            { maxKeys: 3 },
          ),
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
});
