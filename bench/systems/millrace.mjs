// Millrace under the one-clock driver (lib/one-clock.mjs): the same scripts and worker options as
// runners/millrace.mjs; "done" is a row in millrace.job_completed, written in the completion's
// transaction, so it is durable when counted.
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { startWorker } from '@millrace/worker';
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

export async function prepare({ runner, work, concurrency }) {
  const database = await createBenchDatabase('oc', undefined, { template: (await migratedTemplate()).name });
  const db = await openDb({ url: database.url, poolSize: 4 });
  const { queue, workerOptions } = await setUp(db, runner, work, concurrency);
  // The open loop's producer has its own pool, as a separate service would: its pushes never wait
  // on the worker's connections. Opened on the first push (backlog rows never need it).
  let producerDb;
  let producer;
  const openProducer = async () => {
    producerDb = await openDb({ url: database.url, poolSize: 4 });
    return new Queue(producerDb, { settings: new Settings(producerDb) });
  };
  let worker;
  return {
    enqueue: (payloads) => queue.pushMany(payloads.map((args) => ({ path: PATH, args }))),
    async push(payload) {
      producer ??= openProducer();
      return (await producer).push(PATH, payload);
    },
    async start() {
      worker = await startWorker(workerOptions);
    },
    async doneCount() {
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM millrace.job_completed WHERE status = 'success'",
      );
      return rows[0].n;
    },
    /** Per job id (as `push` returned it): started_at and completed_at, wall-clock ms on this machine. */
    async jobTimes() {
      const { rows } = await db.query(
        `SELECT id::text AS id, (extract(epoch FROM started_at) * 1000)::float8 AS started,
                (extract(epoch FROM completed_at) * 1000)::float8 AS done
           FROM millrace.job_completed WHERE status = 'success'`,
      );
      return rows;
    },
    async teardown() {
      await worker?.stop({ timeoutMs: 2000 }).catch(() => {});
      await producer?.catch(() => {});
      await producerDb?.close().catch(() => {});
      await db.close().catch(() => {});
      await database.drop();
    },
  };
}
