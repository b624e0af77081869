import { Queue } from '@millrace/queue';
import { startServer } from '@millrace/server';
import { Settings } from '@millrace/settings';
import { type RunningWorker, startWorker } from '@millrace/worker';
import { type DbFlags, describeDb, openCommandDb } from '../database';
import { deployMissingExamples, EMAIL_GROUP } from '../examples';
import type { Io } from '../io';
import { printInternalErrors } from '../server-access';

export interface DevFlags extends DbFlags {
  port?: number;
  /** start the dedicated worker of the `email` group too (default true) */
  dedicated?: boolean;
  /** Host names to answer besides loopback (--allowed-host, repeatable) */
  allowedHost?: string[];
  retention?: number;
}

/**
 * `millrace dev`: everything in one process on 127.0.0.1 — database (embedded PGlite unless
 * DATABASE_URL), server + UI, a generic worker in `default` (concurrency 2) and, when the `email`
 * group is dedicated, its dedicated worker. Stops gracefully on Ctrl-C / SIGTERM.
 *
 * The dedicated worker uses the process runtime, not the faster thread runtime: anyone with the UI
 * can deploy a new send_email, and a thread runs inside this very process, where `process.kill(
 * process.pid)` would take the server and the database down with it (docs/isolation.md).
 */
export async function devCommand(flags: DevFlags, io: Io): Promise<void> {
  io.out(`database: ${describeDb(flags, io)}`);
  const db = await openCommandDb(flags, io);
  const workers: RunningWorker[] = [];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const settings = new Settings(db);
    const queue = new Queue(db, { settings, retentionMs: flags.retention });
    const deployed = await deployMissingExamples(settings, io);
    if (deployed.length) io.out(`deployed ${deployed.length} example scripts`);

    server = await startServer({
      db,
      queue,
      settings,
      host: '127.0.0.1',
      port: flags.port ?? 8787,
      allowedHosts: flags.allowedHost,
      onInternalError: printInternalErrors(io),
      retentionMs: flags.retention,
    });
    // the server keeps history (retention) for this process; its workers leave it to it
    workers.push(
      await startWorker({ db, group: 'default', concurrency: 2, queue, settings, maintainHistory: false }),
    );
    if (flags.dedicated !== false) {
      const email = await settings.getWorkerGroup(EMAIL_GROUP).catch(() => null);
      if (email?.dedicatedWorker) {
        try {
          workers.push(
            await startWorker({
              db,
              group: EMAIL_GROUP,
              queue,
              settings,
              runtime: 'process',
              maintainHistory: false,
            }),
          );
        } catch (err) {
          io.err(`the dedicated worker of group ${EMAIL_GROUP} did not start: ${(err as Error).message}`);
        }
      }
    }
    io.out(`workers: ${workers.map((w) => w.name).join(', ')}`);
    io.out(`Millrace is running at ${server.url}  (Ctrl-C to stop)`);
    io.out(
      `  try: curl -s -X POST '${server.url}/api/run/f/examples/hello?wait=true' -d '{"name":"Ada"}' -H 'content-type: application/json'`,
    );
    await io.untilStopped();
    io.out('stopping: finishing in-flight jobs…');
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch((err) => io.err(`worker stop: ${err}`))));
    await server?.close();
    await db.close();
  }
  io.out('stopped');
}
