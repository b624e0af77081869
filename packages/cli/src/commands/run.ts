import { type Job, Queue, WaitTimeoutError } from '@millrace/queue';
import { type DbFlags, openCommandDb } from '../database';
import { CliError } from '../errors';
import type { Io } from '../io';

export interface RunFlags extends DbFlags {
  args?: Record<string, unknown>;
  wait?: boolean;
  count?: number;
  timeout?: number;
  tag?: string;
  uniqueKey?: string;
  uniqueWhileRunning?: boolean;
  debounce?: number;
  concurrencyKey?: string;
  concurrencyLimit?: number;
  rateLimit?: { max: number; windowMs: number };
}

/**
 * `millrace run PATH`: pushes the job(s) and prints the id(s). With --wait, prints the result JSON
 * (one job) or a summary (--count), and fails (exit 1) when a job did not succeed.
 */
export async function runCommand(path: string, flags: RunFlags, io: Io): Promise<void> {
  const db = await openCommandDb(flags, io);
  try {
    const queue = new Queue(db);
    const count = flags.count ?? 1;
    const requests = Array.from({ length: count }, () => ({
      path,
      args: flags.args ?? {},
      tag: flags.tag,
      uniqueKey: flags.uniqueKey,
      uniqueWhileRunning: flags.uniqueWhileRunning,
      debounceMs: flags.debounce,
      concurrencyKey: flags.concurrencyKey,
      concurrencyLimit: flags.concurrencyLimit,
      rateLimit: flags.rateLimit,
    }));
    const ids = await queue.pushMany(requests);
    if (!flags.wait) {
      for (const id of ids) io.out(id);
      return;
    }
    const timeoutMs = flags.timeout ?? 60_000;
    try {
      if (count === 1) {
        reportOne(await queue.wait(ids[0], { timeoutMs }), io);
        return;
      }
      io.out(`pushed ${count} jobs (${ids[0]}…${ids[ids.length - 1]})`);
      await waitForMany(queue, ids, timeoutMs, io);
    } catch (err) {
      if (err instanceof WaitTimeoutError) throw await waitTimedOut(queue, ids[0], err);
      throw err;
    }
  } finally {
    await db.close();
  }
}

function reportOne(job: Job, io: Io): void {
  if (job.status === 'success') {
    io.out(JSON.stringify(job.result ?? null, null, 2));
    return;
  }
  io.err(`job ${job.id} ended ${job.status}: ${job.error?.message ?? 'no error message'}`);
  if (job.error?.stack) io.err(job.error.stack);
  throw new CliError('job_failed', `job ${job.id} did not succeed`, { exitCode: 1 });
}

async function waitForMany(queue: Queue, ids: string[], timeoutMs: number, io: Io): Promise<void> {
  const started = Date.now();
  const byStatus = new Map<string, number>();
  let done = 0;
  let lastTenth = 0;
  await Promise.all(
    ids.map(async (id) => {
      const job = await queue.wait(id, { timeoutMs });
      byStatus.set(job.status, (byStatus.get(job.status) ?? 0) + 1);
      done++;
      // a progress line at each tenth, so a long run shows it is moving without flooding the terminal
      const tenth = Math.floor((done * 10) / ids.length);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        io.out(`${done}/${ids.length} done`);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const summary = [...byStatus.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
  io.out(`${summary} in ${seconds.toFixed(2)} s (${(ids.length / seconds).toFixed(1)} jobs/s)`);
  const ok = byStatus.get('success') ?? 0;
  if (ok !== ids.length)
    throw new CliError('job_failed', `${ids.length - ok} of ${ids.length} jobs did not succeed`);
}

/** A wait that ran out: says why when the reason is plain — no live worker serves the job's tag. */
async function waitTimedOut(queue: Queue, id: string, err: WaitTimeoutError): Promise<CliError> {
  const job = await queue.get(id);
  const { tagsWithoutWorkers } = await queue.counts();
  const unserved = job.status === 'queued' && tagsWithoutWorkers.includes(job.tag);
  const hint = unserved
    ? ` — it is still queued and no live worker serves tag ${job.tag}: start one whose group serves it ` +
      `(millrace worker --group <name>), or route the job elsewhere with --tag`
    : ` (job ${id} is ${job.status})`;
  return new CliError('wait_timeout', `${err.message}${hint}`, { cause: err });
}
