// Millrace under the one-clock driver (lib/one-clock.mjs) and the open loop (lib/open-loop.mjs):
// the same scripts and worker options as runners/millrace.mjs; "done" is a row in
// millrace.job_completed, written in the completion's transaction, so it is durable when counted.
import { openDb } from '@millrace/db';
import { startWorker } from '@millrace/worker';
import { wallOffset, wallToMono } from '../lib/arrivals.mjs';
import { createBenchDatabase } from '../lib/database.mjs';
import { PATH, setUp } from '../runners/millrace.mjs';

export const RUNNERS = ['handlers', 'thread', 'process', 'generic', 'generic-naive'];

let template;

/**
 * A database with Millrace's migrations applied, made once per bench process: every row's database
 * is a copy of it (CREATE DATABASE … TEMPLATE), which saves migrating ~0.5 s per row on 2 cores.
 */
function migratedTemplate() {
  template ??= (async () => {
    const database = await createBenchDatabase('tmpl');
    const db = await openDb({ url: database.url, poolSize: 1 }); // migrates
    await db.close();
    return database;
  })();
  return template;
}

/** Drops the template database, if one was made; the bench calls it before it exits. */
export async function dropTemplate() {
  const t = template;
  template = undefined;
  await (await t?.catch(() => null))?.drop();
}

/**
 * `onStart` given (the open loop): the handler runs elsewhere (a thread, a process) or stamps
 * nothing here, so each job returns its own start time instead (the `stampedNoop` script:
 * monotonic ms, the open loop's clock) and `jobTimes()` reads it back with `completed_at`.
 */
export async function prepare({ runner, work, concurrency, onStart }) {
  if (onStart && work !== 'noop') throw new Error(`the open loop runs noop jobs, not ${work}`);
  const database = await createBenchDatabase('oc', undefined, { template: (await migratedTemplate()).name });
  const db = await openDb({ url: database.url, poolSize: 4 });
  const { queue, workerOptions } = await setUp(db, runner, onStart ? 'stampedNoop' : work, concurrency);
  let worker;
  return {
    // the open loop's producer: its own process and pool, as a separate service would be
    producer: { kind: 'millrace', url: database.url, path: PATH },
    enqueue: (payloads) => queue.pushMany(payloads.map((args) => ({ path: PATH, args }))),
    async start() {
      worker = await startWorker(workerOptions);
    },
    async doneCount() {
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM millrace.job_completed WHERE status = 'success'",
      );
      return rows[0].n;
    },
    /** Per job id (as the push returned it): handler start and completed_at, monotonic ms. */
    async jobTimes() {
      const offset = wallOffset();
      const { rows } = await db.query(
        `SELECT id::text AS id, (result->>'startedAt')::float8 AS started,
                (extract(epoch FROM completed_at) * 1000)::float8 AS done
           FROM millrace.job_completed WHERE status = 'success'`,
      );
      return rows.map((r) => ({ id: r.id, started: r.started, done: wallToMono(r.done, offset) }));
    },
    async teardown() {
      await worker?.stop({ timeoutMs: 2000 }).catch(() => {});
      await db.close().catch(() => {});
      await database.drop();
    },
  };
}
