// What the scheduler loops of a fleet cost the database: round trips (statements, BEGIN and
// COMMIT counted) per loop per second, idle and with an every-5-seconds schedule, this build and
// optionally an older one, interleaved. Each loop runs with its default options, as in a worker.
//
//   node packages/queue/scripts/scheduler-load.mjs [--old <checkout>] [--loops 4] [--seconds 20] [--rounds 2]
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openTestDb } from '@millrace/testing';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    loops: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
  },
});
const loops = Number(values.loops);
const seconds = Number(values.seconds);

const builds = [['new', await import('../dist/index.js')]];
if (values.old) builds.push(['old', await import(resolve(values.old, 'packages/queue/dist/index.js'))]);

/** The same database, counting every round trip made through it. */
function counting(db, counter) {
  return {
    driver: db.driver,
    query(sql, params) {
      counter.n++;
      return db.query(sql, params);
    },
    transaction(fn) {
      counter.n += 2; // BEGIN, COMMIT
      return db.transaction((tx) =>
        fn({
          query(sql, params) {
            counter.n++;
            return tx.query(sql, params);
          },
        }),
      );
    },
    listen: db.listen,
    notify: db.notify,
    ownConnection: db.ownConnection,
    close: async () => {},
  };
}

const t = await openTestDb('postgres');
try {
  const { Settings } = await import('@millrace/settings');
  const settings = new Settings(t.db);
  await settings.deployScript({ path: 'f/load/noop', content: 'export const main = () => 1;' });
  const scenarios = [
    ['idle (no schedule due, no failure)', async () => {}],
    [
      'one schedule every 5 s',
      () => settings.setSchedule('every5', { path: 'f/load/noop', cron: '*/5 * * * * *' }),
    ],
  ];
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [label, setUp] of scenarios) {
      for (const [name, { Queue, Scheduler }] of builds) {
        await t.db.query('DELETE FROM millrace.schedules');
        const counter = { n: 0 };
        const jobsBefore = (await t.db.query('SELECT count(*)::int AS n FROM millrace.schedule_runs')).rows[0]
          .n;
        const running = await Promise.all(
          Array.from({ length: loops }, () => new Scheduler(new Queue(counting(t.db, counter))).start()),
        );
        await setUp();
        const from = counter.n;
        await new Promise((r) => setTimeout(r, seconds * 1000));
        const n = counter.n - from;
        await Promise.all(running.map((s) => s.stop()));
        const jobs =
          (await t.db.query('SELECT count(*)::int AS n FROM millrace.schedule_runs')).rows[0].n - jobsBefore;
        const perLoop = n / loops / seconds;
        console.log(
          `round ${round}  ${name}  ${label}: ${perLoop.toFixed(3)} round trips/s per loop ` +
            `(${n} in ${seconds} s by ${loops} loops; ${jobs} scheduled jobs)  load ${loadavg()[0].toFixed(1)}`,
        );
      }
    }
  }
} finally {
  await t.drop();
}
