// BullMQ 6.7 on Redis: `addBulk` in chunks, one Worker with `concurrency`, finished jobs removed
// (removeOnComplete) as a high-throughput deployment would. A random key prefix per run, obliterated after.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { chunks, createTracker, guarded, timeoutFor, workFor } from './harness.mjs';

export const name = 'bullmq';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

function connectionFor(redisUrl) {
  const u = new URL(redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
}

/** `url` is a Redis URL here (default REDIS_URL or redis://127.0.0.1:6379); a postgres URL is ignored. */
export async function run({ jobs = 2000, concurrency = 10, work = 'noop', url, quick = false } = {}) {
  return guarded(name, async () => {
    const redisUrl = url?.startsWith('redis') ? url : (process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
    const connection = connectionFor(redisUrl);
    const prefix = `millrace_bench_${randomBytes(4).toString('hex')}`;
    // BullMQ 6 loads its Redis client (ioredis, an optional peer) lazily and logs a stack trace when
    // it is missing; check first so the bench reports one clear line instead.
    await import('ioredis').catch(() => {
      throw new Error("the optional peer 'ioredis' is not installed (add it to bench/package.json)");
    });
    const tracker = createTracker(jobs, workFor(work), timeoutFor({ jobs, concurrency, work }));
    const queue = new Queue('bench', { connection, prefix });
    let worker;
    const errors = [];
    try {
      await queue.waitUntilReady();
      worker = new Worker('bench', (job) => tracker.run(job.data.t), {
        connection,
        prefix,
        concurrency,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
      });
      worker.on('error', (err) => errors.push(err));
      await worker.waitUntilReady();
      for (const ids of chunks(jobs)) {
        const t = tracker.stamp();
        await queue.addBulk(ids.map((i) => ({ name: 'bench', data: { i, t } })));
      }
      await tracker.done;
      if (errors.length) throw errors[0];
      return { ...tracker.result(), quick };
    } finally {
      tracker.cancel();
      await worker?.close().catch(() => {});
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close().catch(() => {});
    }
  });
}
