// How long `startWorker` takes on a fresh database, as the one-clock rows start it (a database copied
// from a migrated template, a group dedicated to a script with an in-host handler), with and without
// the scheduler loop and the history upkeep, interleaved; median of the repetitions per variant.
//
//   node bench/worker-startup.mjs [--root <built checkout>] [--repetitions 5]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './lib/database.mjs';
import { median } from './lib/stats.mjs';

const { values } = parseArgs({
  options: { root: { type: 'string' }, repetitions: { type: 'string', default: '5' } },
});
const root = resolve(values.root ?? resolve(import.meta.dirname, '..'));
const load = (pkg) => import(pathToFileURL(resolve(root, 'packages', pkg, 'dist/index.js')).href);
const [{ openDb }, { startWorker }, { Settings }, { Queue }] = await Promise.all(
  ['db', 'worker', 'settings', 'queue'].map(load),
);

const PATH = 'f/bench/startup';
const VARIANTS = {
  default: {},
  'no scheduler': { runSchedules: false },
  'no history upkeep': { maintainHistory: false },
  neither: { runSchedules: false, maintainHistory: false },
};

const template = await createBenchDatabase('sutmpl');
await (await openDb({ url: template.url, poolSize: 1 })).close(); // migrates
const results = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
try {
  for (let rep = 0; rep < Number(values.repetitions); rep++) {
    for (const [name, extra] of Object.entries(VARIANTS)) {
      const database = await createBenchDatabase('su', undefined, { template: template.name });
      const db = await openDb({ url: database.url, poolSize: 4 });
      try {
        const settings = new Settings(db);
        await settings.deployScript({
          path: PATH,
          content: 'export const main = () => 1;',
          language: 'javascript',
        });
        await settings.setScriptSettings(PATH, { dedicated: true });
        await settings.setWorkerGroup('bench', { dedicatedWorker: PATH, concurrency: 1 });
        const queue = new Queue(db, { settings });
        const started = performance.now();
        const worker = await startWorker({
          db,
          queue,
          settings,
          group: 'bench',
          handlers: { [PATH]: async () => 1 },
          ...extra,
        });
        results[name].push(performance.now() - started);
        await worker.stop();
      } finally {
        await db.close();
        await database.drop();
      }
    }
  }
} finally {
  await template.drop();
}
for (const [name, ms] of Object.entries(results)) {
  console.log(
    `${name}: start-up median ${median(ms).toFixed(1)} ms (${ms.map((m) => m.toFixed(0)).join(', ')})`,
  );
}
