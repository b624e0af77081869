// A worker in a process of its own, for tests that SIGKILL it. Uses the built package.
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
});
process.stdout.write(`ready ${worker.name}\n`);
await worker.stopped;
await db.close();
