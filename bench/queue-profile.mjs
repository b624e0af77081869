// Where Millrace's claim+complete time goes at batch 1000: the time of each statement over a
// drained backlog, and EXPLAIN ANALYZE of CLAIM_JOBS and COMPLETE_JOBS on a filled table.
//   node bench/queue-profile.mjs [--jobs 50000] [--explain]

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { createBenchDatabase } from './lib/database.mjs';

const SCRIPT = 'f/bench/noop';

async function fill(queue, db, jobs) {
  for (let i = 0; i < jobs; i += 1000)
    await queue.pushMany(Array.from({ length: 1000 }, (_, k) => ({ path: SCRIPT, args: { i: i + k } })));
  await db.query('ANALYZE millrace.jobs; ANALYZE millrace.job_queue');
}

/** Drains with `claimSql` through the raw db and Queue.complete; returns timings. */
async function drainWith(db, queue, claimSql, batch) {
  let claimMs = 0;
  let completeMs = 0;
  let done = 0;
  for (;;) {
    const t0 = performance.now();
    const { rows } = await db.query(claimSql, ['prof', ['node'], batch]);
    const t1 = performance.now();
    claimMs += t1 - t0;
    if (rows.length === 0) break;
    await queue.complete(rows.map((j) => ({ id: j.id, token: j.token, status: 'success', result: null })));
    completeMs += performance.now() - t1;
    done += rows.length;
  }
  return { done, claimMs, completeMs };
}

export async function compareVariants({
  jobs = 50_000,
  batch = 1000,
  repetitions = 3,
  log = console.log,
} = {}) {
  const { claimVariants: variantsFor } = await import('./lib/claim-variants.mjs');
  const database = await createBenchDatabase('var');
  const db = await openDb({ url: database.url, poolSize: 2 });
  const results = {};
  try {
    const settings = new Settings(db);
    await settings.deployScript({ path: SCRIPT, content: 'export function main() { return 1; }' });
    const queue = new Queue(db, { settings });
    const claimVariants = await variantsFor(db);
    for (let r = 0; r < repetitions; r++) {
      for (const [label, sql] of Object.entries(claimVariants)) {
        await db.query('TRUNCATE millrace.jobs, millrace.job_queue, millrace.job_completed');
        await fill(queue, db, jobs);
        const { done, claimMs, completeMs } = await drainWith(db, queue, sql, batch);
        const row = {
          jobsPerSec: Math.round((done / (claimMs + completeMs)) * 1000),
          claimUs: +((claimMs * 1000) / done).toFixed(1),
          completeUs: +((completeMs * 1000) / done).toFixed(1),
        };
        results[label] = [...(results[label] ?? []), row];
        log(`${label}: ${JSON.stringify(row)}`);
      }
    }
    return results;
  } finally {
    await db.close();
    await database.drop();
  }
}

export async function profileQueue({ jobs = 50_000, batch = 1000, explain = false, log = console.log } = {}) {
  const database = await createBenchDatabase('prof');
  const db = await openDb({ url: database.url, poolSize: 2 });
  try {
    const settings = new Settings(db);
    await settings.deployScript({ path: SCRIPT, content: 'export function main() { return 1; }' });
    const queue = new Queue(db, { settings });
    await fill(queue, db, jobs);
    if (explain) await explainStatements(db, queue, batch, log);
    let claimMs = 0;
    let completeMs = 0;
    let done = 0;
    for (;;) {
      const t0 = performance.now();
      const claimed = await queue.claim('prof', ['node'], batch);
      const t1 = performance.now();
      claimMs += t1 - t0;
      if (claimed.length === 0) break;
      await queue.complete(
        claimed.map((j) => ({ id: j.id, token: j.token, status: 'success', result: null })),
      );
      completeMs += performance.now() - t1;
      done += claimed.length;
    }
    log(
      `batch ${batch}, ${done} jobs: claim ${((claimMs * 1000) / done).toFixed(1)} µs/job, complete ${((completeMs * 1000) / done).toFixed(1)} µs/job`,
    );
  } finally {
    await db.close();
    await database.drop();
  }
}

async function explainStatements(db, queue, batch, log) {
  const { CLAIM_JOBS, COMPLETE_JOBS } = (await import('@millrace/queue')).queueStatements;
  const plan = async (label, sql, params) => {
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    log(`\n── ${label}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  };
  await plan('CLAIM_JOBS', CLAIM_JOBS, ['prof', ['node'], batch]);
  const claimed = await queue.claim('prof', ['node'], batch);
  // COMPLETE_JOBS takes one array per column ($1..$8), then the backoff base and cap; Queue.complete
  // sends a column of nulls only as an empty array
  const column = (value) => claimed.map(value);
  const columns = [column((j) => j.id), column((j) => j.token), column(() => 'success'), [], [], [], [], []];
  await plan('COMPLETE_JOBS', COMPLETE_JOBS, [...columns, 1000, 3_600_000]);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '50000' },
      batch: { type: 'string', default: '1000' },
      explain: { type: 'boolean', default: false },
      variants: { type: 'boolean', default: false },
    },
  });
  if (values.variants) await compareVariants({ jobs: Number(values.jobs), batch: Number(values.batch) });
  else
    await profileQueue({ jobs: Number(values.jobs), batch: Number(values.batch), explain: values.explain });
}
