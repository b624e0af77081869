import { startWorker } from '@millrace/worker';
import { type DbFlags, openCommandDb } from '../database';
import type { Io } from '../io';

export interface WorkerFlags extends DbFlags {
  group: string;
  concurrency?: number;
  name?: string;
  retention?: number;
}

/** `millrace worker --group NAME`: one worker following its group's config live, until stopped. */
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
    io.out('stopping: finishing in-flight jobs…');
    await worker.stop();
    io.out(`stopped after ${worker.jobsDone} jobs`);
  } finally {
    await db.close();
  }
}
