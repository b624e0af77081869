// The open loop's producers, run in their own process (lib/open-loop-producer.mjs): each system's
// documented calls to add one job and to add many, on a client of its own with a connection pool
// (lib/arrivals.mjs decides which: one job when a lane is free, the arrivals that queued up behind
// busy lanes in one call). A system's `prepare` names its producer as `{ kind, ... }`.
//   millrace        queue.push(path, args) / queue.pushMany([...]) on a Queue over its own pg pool
//   graphile-worker workerUtils.addJob(identifier, payload) / addJobs([...]) on its own pg pool
//   pg-boss         boss.send(name, data) / boss.insert(name, [...]) (a PgBoss that only sends)
//   bullmq          queue.add(name, data) / queue.addBulk([...]) (ioredis pipelines what it is given)
//   ipc             to the worker's process over the IPC channel (the for-loop, whose queue is that
//                   process's memory)
// `open(spec)` → `{ push(payload) → id?, pushMany(payloads) → ids?, close() }`; its connections
// are open before it resolves, so the first arrivals do not pay for a connection set-up.

/** connections of the producer's pool, and as many lanes (pushes in flight) */
export const POOL_SIZE = 4;

async function warm(pool, n) {
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  for (const c of clients) c.release();
}

const openers = {
  async millrace({ url, path }) {
    const [{ openDb }, { Queue }, { Settings }] = await Promise.all([
      import('@millrace/db'),
      import('@millrace/queue'),
      import('@millrace/settings'),
    ]);
    const db = await openDb({ url, poolSize: POOL_SIZE, migrate: false });
    const queue = new Queue(db, { settings: new Settings(db) });
    await Promise.all(Array.from({ length: POOL_SIZE }, () => db.query('SELECT 1')));
    return {
      push: (payload) => queue.push(path, payload),
      pushMany: (payloads) => queue.pushMany(payloads.map((args) => ({ path, args }))),
      close: () => db.close(),
    };
  },

  async 'graphile-worker'({ url }) {
    const [{ default: pg }, { makeWorkerUtils }, { silent }] = await Promise.all([
      import('pg'),
      import('graphile-worker'),
      import('../peers/graphile-worker.mjs'),
    ]);
    const pgPool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    pgPool.on('error', () => {});
    pgPool.on('connect', (client) => client.on('error', () => {})); // graphile-worker checks for both
    await warm(pgPool, POOL_SIZE);
    const utils = await makeWorkerUtils({ pgPool, logger: silent });
    return {
      push: async (payload) => (await utils.addJob('bench', payload)).id,
      pushMany: async (payloads) =>
        (await utils.addJobs(payloads.map((payload) => ({ identifier: 'bench', payload })))).map((j) => j.id),
      async close() {
        await utils.release();
        await pgPool.end();
      },
    };
  },

  async 'pg-boss'({ url, queue }) {
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: url,
      max: POOL_SIZE,
      supervise: false,
      schedule: false,
      migrate: false,
    });
    boss.on('error', () => {});
    await boss.start();
    return {
      push: (payload) => boss.send(queue, payload),
      pushMany: (payloads) =>
        boss.insert(
          queue,
          payloads.map((data) => ({ data })),
        ),
      close: () => boss.stop({ graceful: false }),
    };
  },

  async bullmq({ connection, prefix, queue: name }) {
    const { Queue } = await import('bullmq');
    const queue = new Queue(name, { connection, prefix });
    await queue.waitUntilReady();
    return {
      push: async (payload) => (await queue.add(name, payload)).id,
      pushMany: async (payloads) =>
        (await queue.addBulk(payloads.map((data) => ({ name, data })))).map((j) => j.id),
      close: () => queue.close(),
    };
  },

  async ipc(_spec, { send }) {
    return {
      push: (payload) => send([payload]),
      pushMany: (payloads) => send(payloads),
      close: async () => {},
    };
  },
};

/** Opens the producer `spec` names; `ipc` pushes through `send(payloads) → Promise<ids>`. */
export function open(spec, io) {
  const opener = openers[spec.kind];
  if (!opener) throw new Error(`unknown producer kind '${spec.kind}'`);
  return opener(spec, io);
}
