// What the failure-handler trigger of migration 0008 costs the completion hot path (docs/schedules.md).
// One database, the trigger switched on and off between rounds (the order alternates each round),
// so both sides see the same machine load; timed: queue.complete of noop successes only.
//
//   npx turbo run build --filter=@millrace/queue && node bench/failure-trigger-cost.mjs [--rounds N]
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { createBenchDatabase } from './lib/database.mjs';
import { median, printTable, round } from './lib/stats.mjs';

const SCRIPT = 'f/bench/noop';
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 10;
const CASES = [
  { batch: 1000, jobs: 10_000 },
  { batch: 1, jobs: 1_000 },
];

const target = await createBenchDatabase('trigger');
const db = await openDb({ url: target.url, poolSize: 2 });
try {
  const settings = new Settings(db);
  await settings.deployScript({ path: SCRIPT, content: 'export function main() { return 1; }' });
  const queue = new Queue(db, { settings });
  const setTrigger = (on) =>
    db.query(
      `ALTER TABLE millrace.job_completed ${on ? 'ENABLE' : 'DISABLE'} TRIGGER job_failed_for_handler`,
    );

  /** µs of queue.complete per job, draining `jobs` noop jobs in claims of `batch`. */
  async function completeCost({ batch, jobs }) {
    for (let i = 0; i < jobs; i += 1000)
      await queue.pushMany(Array.from({ length: Math.min(1000, jobs - i) }, () => ({ path: SCRIPT })));
    let spent = 0n;
    for (;;) {
      const claimed = await queue.claim('bench', ['node'], batch);
      if (claimed.length === 0) break;
      const t = process.hrtime.bigint();
      await queue.complete(
        claimed.map((j) => ({ id: j.id, token: j.token, status: 'success', result: null })),
      );
      spent += process.hrtime.bigint() - t;
    }
    return Number(spent) / 1000 / jobs;
  }

  const rows = [];
  for (const c of CASES) {
    const cost = { on: [], off: [] };
    for (let r = 0; r < rounds; r++) {
      for (const on of r % 2 === 0 ? [true, false] : [false, true]) {
        await setTrigger(on);
        cost[on ? 'on' : 'off'].push(await completeCost(c));
      }
    }
    const on = median(cost.on);
    const off = median(cost.off);
    rows.push({
      'complete batch': c.batch,
      'trigger off µs/job': round(off, 2),
      'trigger on µs/job': round(on, 2),
      'on / off': round(on / off, 3),
    });
  }
  await setTrigger(true);
  console.log(`medians of ${rounds} rounds each, alternating`);
  printTable(rows);
} finally {
  await db.close();
  await target.drop();
}
