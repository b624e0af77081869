// BullMQ 6.7 on Redis: `addBulk` in chunks, one Worker with `concurrency`, finished jobs removed
// (removeOnComplete) as a high-throughput deployment would. A random key prefix per run, obliterated after.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { measure } from './harness.mjs';

export const name = 'bullmq';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Worker's settings (finished jobs removed, as a high-throughput deployment would). */
export const workerOptions = ({ connection, prefix, concurrency }) => ({
  connection,
  prefix,
  concurrency,
  removeOnComplete: { count: 0 },
  removeOnFail: { count: 0 },
});

export function connectionFor(redisUrl) {
  const u = new URL(redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
}

/** `url` is a Redis URL here (default REDIS_URL or redis://127.0.0.1:6379); a postgres URL is ignored. */
export function run(options) {
  return measure(name, options, async ({ tracker, concurrency, url, enqueueAll }) => {
    const redisUrl = url?.startsWith('redis') ? url : (process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
    const connection = connectionFor(redisUrl);
    const prefix = `millrace_bench_${randomBytes(4).toString('hex')}`;
    // BullMQ 6 loads its Redis client (ioredis, an optional peer) lazily and logs a stack trace when
    // it is missing; check first so the bench reports one clear line instead.
    await import('ioredis').catch(() => {
      throw new Error("the optional peer 'ioredis' is not installed (add it to bench/package.json)");
    });
    const queue = new Queue('bench', { connection, prefix });
    let worker;
    const errors = [];
    try {
      await queue.waitUntilReady();
      worker = new Worker(
        'bench',
        (job) => tracker.run(job.data.t),
        workerOptions({ connection, prefix, concurrency }),
      );
      worker.on('error', (err) => errors.push(err));
      await worker.waitUntilReady();
      await enqueueAll((payloads) => queue.addBulk(payloads.map((data) => ({ name: 'bench', data }))));
      if (errors.length) throw errors[0];
    } finally {
      await worker?.close().catch(() => {});
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close().catch(() => {});
    }
  });
}
