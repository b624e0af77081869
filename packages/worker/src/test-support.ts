import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, waitFor } from '@millrace/testing';
import { type RunningWorker, type StartWorkerOptions, startWorker } from './index';

export interface WorkerFixture extends TestDb {
  settings: Settings;
  queue: Queue;
  workers: RunningWorker[];
  /** starts a worker with fast test timings; stopped by `drop` */
  start(options: Omit<StartWorkerOptions, 'db' | 'queue' | 'settings'>): Promise<RunningWorker>;
  deploy(path: string, content: string, language?: 'typescript' | 'javascript' | 'python'): Promise<string>;
  /** waits until the job is finished and returns it */
  finished(id: string, timeoutMs?: number): ReturnType<Queue['wait']>;
}

export async function openWorkerFixture(driver: TestDb['driver']): Promise<WorkerFixture> {
  const t = await openTestDb(driver);
  const settings = new Settings(t.db);
  const queue = new Queue(t.db, { settings, retryBaseMs: 10 });
  const workers: RunningWorker[] = [];
  return {
    ...t,
    settings,
    queue,
    workers,
    async start(options) {
      const w = await startWorker({
        db: t.db,
        queue,
        settings,
        pollMs: 200,
        heartbeat: { pingMs: 200, reapEveryMs: 0 },
        onError: () => {},
        ...options,
      });
      workers.push(w);
      return w;
    },
    async deploy(path, content, language = 'typescript') {
      return (await settings.deployScript({ path, content, language })).hash;
    },
    finished: (id, timeoutMs = 30_000) => queue.wait(id, { timeoutMs }),
    async drop() {
      await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 5_000 })));
      await t.drop();
    },
  };
}

export { waitFor };

const WORKER_PROCESS = fileURLToPath(new URL('../test-fixtures/worker-process.mjs', import.meta.url));

/** A worker in a process of its own (test-fixtures/worker-process.mjs), for tests that signal or SIGKILL it. */
export function spawnWorkerProcess(url: string, name: string, group = 'default') {
  const child = spawn(process.execPath, [WORKER_PROCESS], {
    env: { ...process.env, DATABASE_URL: url, MILLRACE_WORKER_NAME: name, MILLRACE_GROUP: group },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
  return { child, ready, exited };
}
