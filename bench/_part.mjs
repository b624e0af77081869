import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { createBenchDatabase } from '/work/wt/history/bench/lib/database.mjs';
const extra = Number(process.argv[2] ?? 0);
const database = await createBenchDatabase('px');
const db = await openDb({ url: database.url, poolSize: 2 });
try {
  const settings = new Settings(db);
  await settings.deployScript({ path: 'f/b/n', content: 'export function main() { return 1; }' });
  for (let i = 0; i < extra; i++) await db.query(`SELECT millrace.add_history_range((SELECT max(hi) FROM millrace.history_ranges) + 1000000)`);
  const queue = new Queue(db, { settings });
  const out = {};
  for (const [batch, n] of [[1, 1000], [1000, 30000]]) {
    for (let i = 0; i < n; i += 1000) await queue.pushMany(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ path: 'f/b/n', args: { i: k } })));
    await db.query('ANALYZE millrace.job_queue');
    const t0 = performance.now(); let done = 0;
    for (;;) { const jobs = await queue.claim('w', ['node'], batch); if (!jobs.length) break; await queue.complete(jobs.map((j) => ({ id: j.id, token: j.token, status: 'success', result: null }))); done += jobs.length; }
    out[`b${batch}`] = +(((performance.now() - t0) * 1000) / done).toFixed(1);
  }
  console.log(JSON.stringify({ extra, ...out }));
} finally { await db.close(); await database.drop(); }
