// Time of one Queue.pushMany of many jobs (validation, one statement, ids back), on a throwaway
// PostgreSQL database, repeated; prints each run and the median. Args are small objects with a
// nested array and object, like most jobs'. `--queue` points at another build of @millrace/queue
// (e.g. one built from an older commit) to compare the two on the same machine in one sitting.
//
//   node bench/push-many.mjs [--jobs 100000] [--runs 5] [--queue path/to/dist/index.js]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '@millrace/db';
import { Settings } from '@millrace/settings';
import { createBenchDatabase } from './lib/database.mjs';

const SCRIPT = 'f/bench/push';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    queue: { type: 'string' },
  },
});
const jobs = Number(values.jobs);
const runs = Number(values.runs);
const { Queue } = await import(values.queue ? pathToFileURL(values.queue).href : '@millrace/queue');

const database = await createBenchDatabase('push');
const db = await openDb({ url: database.url, poolSize: 2 });
try {
  const settings = new Settings(db);
  await settings.deployScript({
    path: SCRIPT,
    content: 'export const main = () => null;',
    language: 'javascript',
  });
  const queue = new Queue(db, { settings });
  const requests = Array.from({ length: jobs }, (_, i) => ({
    path: SCRIPT,
    args: {
      i,
      name: `job-${i}`,
      to: ['ada@example.com', 'bob@example.com'],
      options: { retry: true, level: 3 },
    },
  }));
  const times = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const ids = await queue.pushMany(requests);
    const ms = performance.now() - started;
    if (ids.length !== jobs) throw new Error(`pushed ${ids.length} of ${jobs}`);
    times.push(ms);
    console.log(`run ${run + 1}: pushMany of ${jobs} jobs in ${ms.toFixed(0)} ms`);
    await db.query('TRUNCATE millrace.job_queue');
  }
  const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  console.log(`median ${median.toFixed(0)} ms (${Math.round((jobs / median) * 1000)} jobs/s)`);
} finally {
  await db.close();
  await database.drop();
}
