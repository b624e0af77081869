// The peers and the for-loop under the one-clock driver (lib/one-clock.mjs), each with the settings
// listed in peers/README.md. "Done" is read from the peer's own store, never from its handler:
// graphile-worker deletes a job when it records its completion, pg-boss marks it 'completed',
// BullMQ (removeOnComplete) removes it from its lists in the same Lua script that finishes it.
// `onStart(payload)` / `onEnd(payload)` run in the handler, for the open loop's per-job times;
// `producer` names the open loop's producer (systems/pushers.mjs), run in a process of its own.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { makeWorkerUtils, run as runGraphile } from 'graphile-worker';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { createBenchDatabase } from '../lib/database.mjs';
import { connectionFor, DEFAULT_REDIS_URL, workerOptions } from '../peers/bullmq.mjs';
import { options as graphileOptions, silent } from '../peers/graphile-worker.mjs';
import { workFor } from '../peers/harness.mjs';
import { workOptions as pgBossWorkOptions } from '../peers/pg-boss.mjs';

const tracked = (work, onStart, onEnd) => async (payload) => {
  onStart?.(payload);
  await work();
  onEnd?.(payload);
};

async function graphileWorker({ work, concurrency, onStart, onEnd }) {
  const database = await createBenchDatabase('ocgw');
  const pgPool = new pg.Pool({ connectionString: database.url, max: concurrency + 4 });
  pgPool.on('error', () => {});
  pgPool.on('connect', (client) => client.on('error', () => {})); // graphile-worker checks for both
  const utils = await makeWorkerUtils({ pgPool, logger: silent });
  await utils.migrate(); // schema before the clock, like Millrace's migrations
  const handler = tracked(workFor(work), onStart, onEnd);
  let runner;
  let added = 0;
  return {
    producer: { kind: 'graphile-worker', url: database.url },
    async enqueue(payloads) {
      await utils.addJobs(payloads.map((payload) => ({ identifier: 'bench', payload })));
      added += payloads.length;
    },
    /** jobs another process added (the open loop's producer): done = added − jobs still in the store */
    expect(n) {
      added += n;
    },
    async start() {
      runner = await runGraphile({
        pgPool,
        concurrency,
        noHandleSignals: true,
        pollInterval: graphileOptions.pollInterval,
        logger: silent,
        taskList: { bench: handler },
        preset: {
          worker: {
            localQueue: graphileOptions.localQueue,
            completeJobBatchDelay: graphileOptions.completeJobBatchDelay,
            failJobBatchDelay: graphileOptions.failJobBatchDelay,
          },
        },
      });
    },
    async doneCount() {
      const { rows } = await pgPool.query('SELECT count(*)::int AS n FROM graphile_worker._private_jobs');
      return added - rows[0].n;
    },
    async teardown() {
      await runner?.stop().catch(() => {});
      await utils.release().catch(() => {});
      await pgPool.end().catch(() => {});
      await database.drop();
    },
  };
}

async function pgBoss({ work, concurrency, onStart, onEnd }) {
  const database = await createBenchDatabase('ocpgboss');
  const boss = new PgBoss({ connectionString: database.url, useListenNotify: true, max: 10 });
  const errors = [];
  boss.on('error', (err) => errors.push(err));
  await boss.start();
  await boss.createQueue('bench', { notify: true });
  const handler = tracked(workFor(work), onStart, onEnd);
  const count = new pg.Pool({ connectionString: database.url, max: 1 });
  count.on('error', () => {});
  return {
    enqueue: (payloads) =>
      boss.insert(
        'bench',
        payloads.map((data) => ({ data })),
      ),
    producer: { kind: 'pg-boss', url: database.url, queue: 'bench' },
    async start() {
      await boss.work('bench', pgBossWorkOptions(concurrency), async (batch) => {
        if (concurrency > 1) return Promise.all(batch.map((job) => handler(job.data)));
        for (const job of batch) await handler(job.data); // one at a time: see peers/pg-boss.mjs
      });
    },
    async doneCount() {
      if (errors.length) throw errors[0];
      const { rows } = await count.query(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'bench' AND state = 'completed'",
      );
      return rows[0].n;
    },
    async teardown() {
      await boss.stop({ graceful: false, timeout: 2_000 }).catch(() => {});
      await count.end().catch(() => {});
      await database.drop();
    },
  };
}

async function bullmq({ work, concurrency, onStart, onEnd }) {
  const connection = connectionFor(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const prefix = `millrace_bench_${randomBytes(4).toString('hex')}`;
  const queue = new Queue('bench', { connection, prefix });
  await queue.waitUntilReady();
  const handler = tracked(workFor(work), onStart, onEnd);
  const errors = [];
  let worker;
  let added = 0;
  return {
    async enqueue(payloads) {
      await queue.addBulk(payloads.map((data) => ({ name: 'bench', data })));
      added += payloads.length;
    },
    producer: { kind: 'bullmq', connection, prefix, queue: 'bench' },
    expect(n) {
      added += n;
    },
    async start() {
      worker = new Worker(
        'bench',
        (job) => handler(job.data),
        workerOptions({ connection, prefix, concurrency }),
      );
      worker.on('error', (err) => errors.push(err));
      await worker.waitUntilReady();
    },
    async doneCount() {
      if (errors.length) throw errors[0];
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed');
      return added - Object.values(c).reduce((a, b) => a + b, 0);
    },
    async teardown() {
      await worker?.close().catch(() => {});
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close().catch(() => {});
    },
  };
}

/** The limit: an in-memory array drained by `concurrency` lanes; "durable" is a counter. */
async function forLoop({ work, concurrency, onStart, onEnd }) {
  const handler = tracked(workFor(work), onStart, onEnd);
  const backlog = [];
  let next = 0;
  let done = 0;
  let running = true;
  const waiting = [];
  const wake = () => {
    for (const w of waiting.splice(0)) w();
  };
  const lane = async () => {
    while (running) {
      if (next >= backlog.length) {
        await new Promise((r) => waiting.push(r));
        continue;
      }
      await handler(backlog[next++]);
      done++;
    }
  };
  let lanes = [];
  return {
    producer: { kind: 'ipc' },
    async enqueue(payloads) {
      backlog.push(...payloads);
      wake();
    },
    async start() {
      lanes = Array.from({ length: Math.max(1, concurrency) }, lane);
    },
    doneCount: async () => done,
    async teardown() {
      running = false;
      wake();
      await Promise.all(lanes);
    },
  };
}

export const systems = {
  'for-loop': forLoop,
  'graphile-worker': graphileWorker,
  'pg-boss': pgBoss,
  bullmq,
};
