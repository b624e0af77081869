// One chaos worker in a process of its own (so the driver can SIGKILL it). Uses the built packages.
// env: DATABASE_URL, MILLRACE_GROUP, MILLRACE_WORKER_NAME, CHAOS_CONCURRENCY, CHAOS_POOL_SIZE
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { startWorker } from '@millrace/worker';
import { poisonHandler } from './faults/poison-jobs.mjs';
import { GENERIC_PATH, PROCESS_GROUP } from './scripts.mjs';

const name = process.env.MILLRACE_WORKER_NAME;
const group = process.env.MILLRACE_GROUP ?? 'default';
// The process group runs the process runtime at its group's concurrency (1, scripts.mjs): a job
// that kills its runtime ends no other job with it.
const processRuntime = group === PROCESS_GROUP;
const db = await openDb({
  url: process.env.DATABASE_URL,
  poolSize: Number(process.env.CHAOS_POOL_SIZE ?? 4),
});
const settings = new Settings(db);
// Kills are frequent here: a job may lose many attempts to dead workers without having failed once.
// Lost attempts past this limit would fail the job (reported separately as "failed by worker loss").
const queue = new Queue(db, { settings, maxLostAttempts: Number(process.env.CHAOS_MAX_LOST ?? 1000) });

let errors = 0;
const worker = await startWorker({
  db,
  queue,
  settings,
  group,
  name,
  runtime: processRuntime ? 'process' : undefined,
  concurrency:
    process.env.CHAOS_CONCURRENCY && !processRuntime ? Number(process.env.CHAOS_CONCURRENCY) : undefined,
  pollMs: 250,
  heartbeat: { pingMs: 200, reapEveryMs: 1000, staleAfterMs: 2000 },
  handleSignals: true,
  // The generic group's chaos jobs run in-host (no process per job) so 100,000 fit in minutes.
  handlers: {
    [GENERIC_PATH]: async (args, ctx) => {
      if (args.poison) return poisonHandler(args.poison, ctx);
      if (args.ms > 0) await new Promise((r) => setTimeout(r, args.ms));
      return { i: args.i, worker: name };
    },
  },
  onError: (err) => {
    errors++;
    if (errors <= 20 || errors % 100 === 0)
      process.stderr.write(`[${name}] error #${errors}: ${err?.message ?? String(err)}\n`);
  },
});
process.stdout.write(`ready ${worker.name}\n`);
await worker.stopped;
process.stdout.write(`stopped ${worker.name} jobs=${worker.jobsDone} errors=${errors}\n`);
await db.close();
