// The database drops every connection (pg_terminate_backend), again and again, while a worker
// drains jobs and a producer pushes: the worker reconnects and goes on, nothing is lost, and a push
// that fails says so with a DatabaseError (code database_error) — it is never silently dropped.
import { MillraceError, openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers, waitFor } from '@millrace/testing';
import { type RunningWorker, startWorker } from '@millrace/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminateBackends } from './faults/terminate-backends.mjs';

const ADMIN_URL = process.env.MILLRACE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

describe.runIf(testDrivers().includes('postgres'))('database connections terminated mid-run', () => {
  let t: TestDb;
  let queue: Queue;
  let worker: RunningWorker;

  beforeAll(async () => {
    t = await openTestDb('postgres');
    const settings = new Settings(t.db);
    queue = new Queue(t.db, { settings });
    await settings.deployScript({
      path: 'f/restart/job',
      content: 'export function main() {}',
      language: 'javascript',
    });
    worker = await startWorker({
      db: t.db,
      queue,
      settings,
      group: 'default',
      concurrency: 16,
      pollMs: 200,
      handlers: { 'f/restart/job': async (a) => (a as { i: number }).i },
      heartbeat: { pingMs: 200, reapEveryMs: 1_000, staleAfterMs: 2_000 },
      onError: () => {},
    });
  });
  afterAll(async () => {
    await worker.stop({ timeoutMs: 5_000 });
    await t.drop();
  });

  it('reconnects, loses nothing, and every failed push is a typed error', async () => {
    const admin = await openDb({ url: ADMIN_URL, migrate: false, poolSize: 1 });
    const database = new URL(t.url as string).pathname.slice(1);
    const acknowledged: string[] = [];
    const failures: MillraceError[] = [];
    let terminated = 0;
    try {
      for (let round = 0; round < 6; round++) {
        const pushes = Array.from({ length: 10 }, (_, k) =>
          queue
            .pushMany(
              Array.from({ length: 50 }, (_, i) => ({
                path: 'f/restart/job',
                args: { i: round * 1000 + k * 50 + i },
              })),
            )
            .then((ids) => acknowledged.push(...ids))
            .catch((err) => {
              if (!(err instanceof MillraceError) || err.code !== 'database_error') throw err;
              failures.push(err);
            }),
        );
        terminated += (await terminateBackends(admin, database)) as number;
        await Promise.all(pushes);
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await admin.close();
    }
    expect(terminated).toBeGreaterThan(0);
    await waitFor(
      async () =>
        (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM millrace.job_queue')).rows[0].n ===
        0,
      { timeoutMs: 60_000, message: 'the queue drains' },
    );
    const { rows } = await t.db.query<{ jobs: number; done: number; ok: number }>(
      `SELECT (SELECT count(*) FROM millrace.jobs)::int AS jobs, (SELECT count(*) FROM millrace.job_completed)::int AS done,
              (SELECT count(*) FROM millrace.job_completed WHERE id = ANY($1::bigint[]) AND status = 'success')::int AS ok`,
      [acknowledged],
    );
    // every acknowledged push ran; a failed push may still have committed (the reply was lost)
    const notOk = await t.db.query<{ status: string; reason: string | null; n: number }>(
      `SELECT c.status, c.error->>'reason' AS reason, count(*)::int AS n FROM unnest($1::bigint[]) a(id)
       LEFT JOIN millrace.job_completed c USING (id) WHERE c.status IS DISTINCT FROM 'success' GROUP BY 1, 2`,
      [acknowledged],
    );
    expect(notOk.rows, 'acknowledged jobs that did not succeed').toEqual([]);
    expect(rows[0].ok).toBe(acknowledged.length);
    expect(rows[0].done).toBe(rows[0].jobs);
    expect(rows[0].jobs).toBeGreaterThanOrEqual(acknowledged.length);
    expect(rows[0].jobs).toBeLessThanOrEqual(acknowledged.length + failures.length * 50);
    for (const f of failures)
      expect(f.message).toMatch(/database connection lost|cannot connect to the database/);
  });
});
