// A worker in a process of its own, for tests that signal or SIGKILL it. Uses the built package.
// MILLRACE_KEEP_DB_OPEN=1: the host never closes its db after the worker stops (the worker must
// still end the process). MILLRACE_STOP_TIMEOUT_MS: the worker's stopTimeoutMs.
import { openDb } from '@millrace/db';
import { startWorker } from '@millrace/worker';

const db = await openDb({ url: process.env.DATABASE_URL });
const worker = await startWorker({
  db,
  group: process.env.MILLRACE_GROUP ?? 'default',
  name: process.env.MILLRACE_WORKER_NAME,
  pollMs: 200,
  heartbeat: { pingMs: 200, reapEveryMs: 0 },
  handleSignals: true,
  ...(process.env.MILLRACE_STOP_TIMEOUT_MS
    ? { stopTimeoutMs: Number(process.env.MILLRACE_STOP_TIMEOUT_MS) }
    : {}),
});
process.stdout.write(`ready ${worker.name}\n`);
// lets a test see that a signal arrived before it sends the next one (the worker handles them)
process.on('SIGTERM', () => process.stdout.write('got SIGTERM\n'));
const report = await worker.stopped;
process.stdout.write(`stopped ${JSON.stringify(report)}\n`);
if (process.env.MILLRACE_KEEP_DB_OPEN !== '1') await db.close();
