// Time of one Queue.pushMany of many jobs (validation, one statement, ids back), on a throwaway
// PostgreSQL database, repeated; prints the medians. Args are small objects with a nested array
// and object, like most jobs'. Each run also times the same batch pushed to a script that does not
// exist: pushMany checks every job's path, args and options, then refuses the batch on its one
// settings query, so that time is the validation's (CPU) with no insert to hide it.
// `--queue` (repeatable) names builds of @millrace/queue to compare (e.g. one bundled from an
// older commit): each run measures every build in turn, so a busy machine's swings hit them alike.
//
//   node bench/push-many.mjs [--jobs 100000] [--runs 5] [--queue a/index.js --queue b/index.js]
// A build of an older commit, bundled inside the repo so its imports resolve (then delete it):
//   mkdir -p .old && git archive REV packages/queue/src | tar -x -C .old && npx esbuild \
//     .old/packages/queue/src/index.ts --bundle --platform=node --format=esm --packages=external \
//     --loader:.sql=text --outfile=.old/queue.mjs
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
    queue: { type: 'string', multiple: true },
  },
});
const jobs = Number(values.jobs);
const runs = Number(values.runs);
const builds = values.queue ?? ['@millrace/queue'];
const queueClasses = await Promise.all(
  builds.map(
    async (build) => (await import(build.startsWith('@') ? build : pathToFileURL(build).href)).Queue,
  ),
);

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** ms of one pushMany that validates every job and is then refused on its settings query. */
async function validationMs(queue, requests) {
  const started = performance.now();
  const error = await queue.pushMany(requests).then(
    () => null,
    (err) => err,
  );
  if (error?.code !== 'script_not_found') throw new Error(`expected script_not_found, got ${error}`);
  return performance.now() - started;
}

async function pushMs(queue, db, requests) {
  const started = performance.now();
  const ids = await queue.pushMany(requests);
  const ms = performance.now() - started;
  if (ids.length !== requests.length) throw new Error(`pushed ${ids.length} of ${requests.length}`);
  await db.query('TRUNCATE millrace.job_queue');
  return ms;
}

const database = await createBenchDatabase('push');
const db = await openDb({ url: database.url, poolSize: 2 });
try {
  const settings = new Settings(db);
  await settings.deployScript({
    path: SCRIPT,
    content: 'export const main = () => null;',
    language: 'javascript',
  });
  const queues = queueClasses.map((Queue) => new Queue(db, { settings }));
  const requests = Array.from({ length: jobs }, (_, i) => ({
    path: SCRIPT,
    args: {
      i,
      name: `job-${i}`,
      to: ['ada@example.com', 'bob@example.com'],
      options: { retry: true, level: 3 },
    },
  }));
  const refused = requests.map((r) => ({ ...r, path: 'f/bench/absent' }));
  const times = builds.map(() => ({ validate: [], push: [] }));
  for (let run = 0; run < runs; run++) {
    for (const [i, queue] of queues.entries()) {
      times[i].validate.push(await validationMs(queue, refused));
      times[i].push.push(await pushMs(queue, db, requests));
    }
  }
  for (const [i, build] of builds.entries()) {
    const push = median(times[i].push);
    console.log(
      `${build}: pushMany of ${jobs} jobs, median of ${runs}: ${push.toFixed(0)} ms ` +
        `(${Math.round((jobs / push) * 1000)} jobs/s); validation alone ${median(times[i].validate).toFixed(0)} ms`,
    );
  }
} finally {
  await db.close();
  await database.drop();
}
