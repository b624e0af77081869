// graphile-worker 0.18 with its batching on: a local queue of 500 locked jobs, completions and
// failures batched on the next tick (completeJobBatchDelay/failJobBatchDelay 0), bulk add via addJobs.
import { Logger, makeWorkerUtils, run as runWorker } from 'graphile-worker';
import pg from 'pg';
import { createBenchDatabase } from '../lib/database.mjs';
import { measure } from './harness.mjs';

export const name = 'graphile-worker';
export const options = {
  localQueue: { size: 500 },
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
  pollInterval: 1000,
};

export const silent = new Logger(() => () => {});

export function run(runOptions) {
  return measure(name, runOptions, async ({ tracker, concurrency, url, enqueueAll }) => {
    const database = await createBenchDatabase('gw', url);
    // Our own pool, ended before the database is dropped: graphile-worker's own pool could still
    // hold idle clients after runner.stop() resolved, and DROP DATABASE … WITH (FORCE) then made
    // them emit an unhandled 'error' that crashed the whole bench.
    const pgPool = new pg.Pool({ connectionString: database.url, max: concurrency + 4 });
    pgPool.on('error', () => {});
    pgPool.on('connect', (client) => client.on('error', () => {})); // graphile-worker checks for both
    let runner;
    let utils;
    try {
      runner = await runWorker({
        pgPool,
        concurrency,
        noHandleSignals: true,
        pollInterval: options.pollInterval,
        logger: silent,
        taskList: { bench: (payload) => tracker.run(payload.t) },
        preset: {
          worker: {
            localQueue: options.localQueue,
            completeJobBatchDelay: options.completeJobBatchDelay,
            failJobBatchDelay: options.failJobBatchDelay,
          },
        },
      });
      utils = await makeWorkerUtils({ pgPool, logger: silent });
      await enqueueAll((payloads) =>
        utils.addJobs(payloads.map((payload) => ({ identifier: 'bench', payload }))),
      );
    } finally {
      await utils?.release().catch(() => {});
      await runner?.stop().catch(() => {});
      await pgPool.end().catch(() => {});
      await database.drop();
    }
  });
}
