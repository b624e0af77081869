// pg-boss 12, batched: bulk `insert`, `work` fetching `batchSize` jobs per round trip (completed
// together when the batch handler resolves), LISTEN/NOTIFY wake-ups and burst fetching while
// batches come back full.
import { PgBoss } from 'pg-boss';
import { createBenchDatabase } from '../lib/database.mjs';
import { measure } from './harness.mjs';

export const name = 'pg-boss';
const QUEUE = 'bench';

/** Two fetch loops, each holding half the concurrency as one batch (at least 1 job each). */
// pg-boss 12 ignores burstWhenBatchFull at batchSize 1, and with NOTIFY active it waits the NOTIFY
// backstop (30 s, not pollingIntervalSeconds) between fetches: at batchSize 1 a backlog drained
// 3 jobs a minute (burstWhenReadyExceeds: 1 did not help, its cached ready count lags). So
// concurrency 1 fetches batches of 2 and runs them one after the other (`sequential`): one job
// at a time, like every other runner at concurrency 1.
export function workOptions(concurrency) {
  const localConcurrency = concurrency >= 2 ? 2 : 1;
  return {
    batchSize: Math.max(2, Math.ceil(concurrency / localConcurrency)),
    localConcurrency,
    pollingIntervalSeconds: 0.5,
    burstWhenBatchFull: true,
  };
}

export function run(options) {
  return measure(name, options, async ({ tracker, concurrency, url, enqueueAll }) => {
    const database = await createBenchDatabase('pgboss', url);
    const errors = [];
    let boss;
    try {
      boss = new PgBoss({ connectionString: database.url, useListenNotify: true, max: 10 });
      boss.on('error', (err) => errors.push(err));
      await boss.start();
      await boss.createQueue(QUEUE, { notify: true });
      await boss.work(QUEUE, workOptions(concurrency), async (batch) => {
        if (concurrency > 1) return Promise.all(batch.map((job) => tracker.run(job.data.t)));
        for (const job of batch) await tracker.run(job.data.t); // sequential: see workOptions
      });
      await enqueueAll((payloads) =>
        boss.insert(
          QUEUE,
          payloads.map((data) => ({ data })),
        ),
      );
      if (errors.length) throw errors[0];
    } finally {
      await boss?.stop({ graceful: true, timeout: 5_000 }).catch(() => {});
      await database.drop();
    }
  });
}
