// Queue throughput, the foundation numbers, side by side in one run:
//   push      Queue.pushMany in batches of 1000, next to a plain INSERT of the same JSON batches;
//   claim+complete at batch 1, 100 and 1000 through the Queue API (claim N, complete the N in one
//   call, until the backlog is drained), next to the plain-SQL floor (lib/floor-queue.mjs).
// Target (DESIGN.md, Targets): Millrace claim+complete at batch 1000 ≥ half the floor.
// One fresh database per run (created and dropped here); DATABASE_URL names another server.
//
//   (cd packages/db && npx tsup) && (cd packages/settings && npx tsup) && (cd packages/queue && npx tsup)
//   node bench/queue-throughput.mjs            full: 3 repetitions, medians (~2 min)
//   node bench/queue-throughput.mjs --quick    small counts, one repetition (< 30 s)
//   node bench/queue-throughput.mjs --json     also print the result document
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { drainUntilEmpty, pushInBatches } from './lib/backlog.mjs';
import { createBenchDatabase } from './lib/database.mjs';
import { openFloorQueue } from './lib/floor-queue.mjs';
import { median, printTable, round } from './lib/stats.mjs';

const SCRIPT = 'f/bench/noop';
const TAGS = ['node'];
const WORKER = 'bench-queue-throughput';
const TARGET_RATIO = 0.5;

export const FULL = {
  repetitions: 3,
  pushJobs: 50_000,
  backlog: { 1: 2_000, 100: 20_000, 1000: 50_000 },
};
export const QUICK = {
  repetitions: 1,
  pushJobs: 5_000,
  backlog: { 1: 300, 100: 3_000, 1000: 5_000 },
};

/** Millrace on database `url`: migrated schema, one deployed no-op script, a Queue. */
async function openMillrace(url) {
  const db = await openDb({ url, poolSize: 2 });
  const settings = new Settings(db);
  await settings.deployScript({ path: SCRIPT, content: 'export function main() { return 1; }' });
  const queue = new Queue(db, { settings });
  return {
    db,
    queue,
    async reset() {
      await db.query(
        'TRUNCATE millrace.jobs, millrace.job_queue, millrace.job_completed, millrace.job_attempts',
      );
    },
    /** pushMany in batches of `batch`; returns jobs/s. */
    async push(total, batch = 1000) {
      const jobsPerSec = await pushInBatches(total, batch, (first, n) =>
        queue.pushMany(Array.from({ length: n }, (_, k) => ({ path: SCRIPT, args: { i: first + k } }))),
      );
      await db.query('ANALYZE millrace.jobs; ANALYZE millrace.job_queue');
      return jobsPerSec;
    },
    /** claim(batch) then complete(all claimed) in one call, until the backlog is empty. */
    drain(batch) {
      return drainUntilEmpty(async () => {
        const jobs = await queue.claim(WORKER, TAGS, batch);
        if (jobs.length > 0) {
          await queue.complete(
            jobs.map((j) => ({ id: j.id, token: j.token, status: 'success', result: null })),
          );
        }
        return jobs.length;
      });
    },
    close: () => db.close(),
  };
}

/** One repetition of one system: fill the backlog, drain it; returns jobs/s. */
async function measureDrain(system, batch, backlog) {
  await system.reset();
  await system.push(backlog);
  const { jobs, ms } = await system.drain(batch);
  if (jobs !== backlog) throw new Error(`drained ${jobs} of ${backlog} jobs`);
  return (jobs / ms) * 1000;
}

/** Runs every measurement; Millrace and the floor alternate so drift hits both alike. */
export async function runQueueThroughput({ quick = false, log = console.log } = {}) {
  const config = quick ? QUICK : FULL;
  const database = await createBenchDatabase('q');
  const millrace = await openMillrace(database.url);
  const floor = await openFloorQueue(database.url);
  try {
    const push = { millrace: [], floor: [] };
    for (let r = 0; r < config.repetitions; r++) {
      for (const [name, system] of [
        ['millrace', millrace],
        ['floor', floor],
      ]) {
        await system.reset();
        push[name].push(await system.push(config.pushJobs));
      }
      log(
        `push rep ${r + 1}: millrace ${round(push.millrace.at(-1))} jobs/s, floor ${round(push.floor.at(-1))} jobs/s`,
      );
    }
    const claim = [];
    for (const batch of [1, 100, 1000]) {
      const runs = { millrace: [], floor: [] };
      for (let r = 0; r < config.repetitions; r++) {
        for (const [name, system] of [
          ['millrace', millrace],
          ['floor', floor],
        ]) {
          runs[name].push(await measureDrain(system, batch, config.backlog[batch]));
        }
        log(
          `batch ${batch} rep ${r + 1}: millrace ${round(runs.millrace.at(-1))} jobs/s, floor ${round(runs.floor.at(-1))} jobs/s`,
        );
      }
      claim.push({ batch, backlog: config.backlog[batch], runs });
    }
    return summarise(config, quick, push, claim);
  } finally {
    await millrace.close().catch(() => {});
    await floor.close().catch(() => {});
    await database.drop();
  }
}

function summarise(config, quick, push, claim) {
  const row = (runs) => ({ median: round(median(runs)), runs: runs.map((v) => round(v)) });
  const claimComplete = claim.map(({ batch, backlog, runs }) => {
    const m = median(runs.millrace);
    const f = median(runs.floor);
    return { batch, backlog, millrace: row(runs.millrace), floor: row(runs.floor), ratio: round(m / f, 3) };
  });
  const at1000 = claimComplete.find((c) => c.batch === 1000);
  return {
    benchmark: 'queue-throughput',
    date: new Date().toISOString(),
    quick,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    config,
    push: {
      batch: 1000,
      jobs: config.pushJobs,
      millrace: row(push.millrace),
      floor: row(push.floor),
      ratio: round(median(push.millrace) / median(push.floor), 3),
    },
    claimComplete,
    target: {
      rule: 'millrace claim+complete at batch 1000 >= 0.5 x floor',
      ratio: at1000.ratio,
      met: at1000.ratio >= TARGET_RATIO,
    },
  };
}

export function printQueueThroughput(result) {
  const usPerJob = (jobsPerSec) => round(1e6 / jobsPerSec, 1);
  const rows = [
    {
      scenario: `push (pushMany ×1000, ${result.push.jobs} jobs)`,
      'millrace jobs/s': result.push.millrace.median,
      'floor jobs/s': result.push.floor.median,
      'µs/job millrace': usPerJob(result.push.millrace.median),
      'µs/job floor': usPerJob(result.push.floor.median),
      ratio: result.push.ratio,
    },
    ...result.claimComplete.map((c) => ({
      scenario: `claim+complete batch ${c.batch} (${c.backlog} jobs)`,
      'millrace jobs/s': c.millrace.median,
      'floor jobs/s': c.floor.median,
      'µs/job millrace': usPerJob(c.millrace.median),
      'µs/job floor': usPerJob(c.floor.median),
      ratio: c.ratio,
    })),
  ];
  console.log(
    `\nqueue throughput (${result.quick ? 'quick, 1 run' : `median of ${result.config.repetitions}`}; floor = plain SQL, same run)`,
  );
  printTable(rows);
  const t = result.target;
  console.log(`target: ${t.rule}: ratio ${t.ratio} → ${t.met ? 'MET' : 'NOT MET'}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const result = await runQueueThroughput({ quick });
  printQueueThroughput(result);
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(quick ? 'queue-throughput.quick.json' : 'queue-throughput.json', dir);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
}
