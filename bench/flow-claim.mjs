// The claim alone, old function against new (docs/flow-control.md, "Measured"): a loop of claims
// of 8 jobs inside PostgreSQL, each committed and its jobs completed (deleted), so the machine's
// scheduling of a Node process is out of the figure. Three figures a round, vacuumed before each: the old claim (from --old DIR's migration 0004, renamed claim_jobs_old, with its own index)
// and the new one with no limits configured, then the new one beside a full key (maxRunning 2,
// 2 running) holding 100 k queued jobs, in a second database.
//
//   npm run build && node bench/flow-claim.mjs --old <a checkout of main> [--rounds 4]   (~1 min a round)
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '@millrace/db';
import { createBenchDatabase } from './lib/database.mjs';

const CLAIMS = 1500;
const { values } = parseArgs({
  options: { old: { type: 'string' }, rounds: { type: 'string', default: '3' } },
});
if (!values.old)
  throw new Error('usage: node bench/flow-claim.mjs --old <checkout of the code to compare against>');

const oldMigration = await readFile(
  resolve(values.old, 'packages/db/migrations/0004_history_partitions.sql'),
  'utf8',
);
const oldClaim = oldMigration
  .slice(
    oldMigration.indexOf('CREATE OR REPLACE FUNCTION millrace.claim_jobs('),
    oldMigration.lastIndexOf('$claim$;') + 8,
  )
  .replace('FUNCTION millrace.claim_jobs(', 'FUNCTION millrace.claim_jobs_old(');

const loop = (fn) => `
DO $$
DECLARE t0 timestamptz; ms float8 := 0; ids bigint[];
BEGIN
  FOR i IN 1..${CLAIMS} LOOP
    t0 := clock_timestamp();
    SELECT array_agg(id::bigint) INTO ids FROM millrace.${fn}('w', '{node}', 8);
    ms := ms + extract(epoch FROM clock_timestamp() - t0) * 1000;
    COMMIT;
    DELETE FROM millrace.job_queue WHERE id = ANY (ids);
    COMMIT;
  END LOOP;
  RAISE NOTICE '%', round((ms / ${CLAIMS} * 1000)::numeric, 1);
END $$`;

async function setUp(withBacklog) {
  const database = await createBenchDatabase('claim');
  const db = await openDb({ url: database.url, poolSize: 1 });
  await db.query(oldClaim);
  await db.query(
    `CREATE INDEX job_queue_claim_old_idx ON millrace.job_queue (tag, priority DESC, scheduled_for, id) WHERE NOT running`,
  );
  await db.query(`INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts, path)
                  SELECT g, 'node', 0, now(), 1, 'f/b/x' FROM generate_series(1, 300000) g`);
  await db.query(`INSERT INTO millrace.jobs (id, path, script_hash, args, tag, priority, max_attempts)
                  SELECT g, 'f/b/x', '\\xaa', '{}', 'node', 0, 1 FROM generate_series(1, 300000) g`);
  if (withBacklog) {
    await db.query(`INSERT INTO millrace.flow_limits (key, max_running) VALUES ('script:f/b/l', 2)`);
    await db.query(`INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts, path, flow_key, running)
                    SELECT 1000000 + g, 'node', 0, now() - interval '1 hour', 1, 'f/b/l', 'script:f/b/l', g <= 2
                    FROM generate_series(1, 100000) g`);
  }
  await db.query('VACUUM ANALYZE millrace.job_queue');
  return { database, db };
}

/** µs per claim of `fn`, read from the NOTICE the loop raises (the pg driver hands notices to the client). */
async function time(url, fn) {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM millrace.job_queue');
    let notice = null;
    client.on('notice', (n) => (notice = Number(n.message)));
    await client.query(loop(fn));
    return notice;
  } finally {
    await client.end();
  }
}

const plain = await setUp(false);
const backlog = await setUp(true);
try {
  const rows = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    // odd rounds old first, even rounds new first: drift within a database hits both alike
    const row = { round };
    for (const fn of round % 2 ? ['claim_jobs_old', 'claim_jobs'] : ['claim_jobs', 'claim_jobs_old']) {
      row[fn === 'claim_jobs' ? 'new, no limits' : 'old, no limits'] = await time(plain.database.url, fn);
    }
    row['new, beside a full key'] = await time(backlog.database.url, 'claim_jobs');
    rows.push(row);
    console.log(rows.at(-1));
  }
  console.log(`µs per claim of 8 jobs (${CLAIMS} claims a figure)`);
  console.table(rows);
} finally {
  for (const s of [plain, backlog]) {
    await s.db.close();
    await s.database.drop();
  }
}
