import { startWorker } from '@millrace/worker';
import { type DbFlags, openCommandDb } from '../database';
import { CliError } from '../errors';
import type { Io } from '../io';

export interface WorkerFlags extends DbFlags {
  group: string;
  concurrency?: number;
  name?: string;
  retention?: number;
}

/**
 * `millrace worker --group NAME`: one worker following its group's config live, until stopped.
 * The first signal finishes in-flight jobs (up to the stop timeout, then hands them back); a second
 * one hands them back to the queue at once. Exit code 0 once every job it held was finished or
 * handed back, 1 when some had to be left for the reaper (database unreachable).
 */
export async function workerCommand(flags: WorkerFlags, io: Io): Promise<void> {
  const db = await openCommandDb(flags, io);
  try {
    const worker = await startWorker({
      db,
      group: flags.group,
      concurrency: flags.concurrency,
      name: flags.name,
      retentionMs: flags.retention,
    });
    io.out(`worker ${worker.name} serving group ${flags.group} (Ctrl-C to stop)`);
    await io.untilStopped();
    io.out('stopping: finishing in-flight jobs… (Ctrl-C again hands them back to the queue now)');
    const hurry = () => {
      io.out('stopping now: handing in-flight jobs back to the queue');
      void worker.stop({ timeoutMs: 0 });
    };
    process.on('SIGINT', hurry);
    process.on('SIGTERM', hurry);
    const report = await worker.stop().finally(() => {
      process.off('SIGINT', hurry);
      process.off('SIGTERM', hurry);
    });
    const handedBack = report.released + report.abandoned;
    io.out(
      `stopped after ${worker.jobsDone} jobs${handedBack > 0 ? `; ${handedBack} handed back to the queue` : ''}`,
    );
    const left = report.unwritten + report.completionsDropped;
    if (left > 0)
      throw new CliError(
        'stop_incomplete',
        `${left} jobs could not be written or handed back (database unreachable): the reaper will re-queue them`,
      );
  } finally {
    await db.close();
  }
}
