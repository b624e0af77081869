import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { type DriverName, openTestDb, type TestDb } from '@millrace/testing';
import type { FastifyInstance } from 'fastify';
import { createServer } from './create-server';
import type { ServerOptions } from './options';

export interface ServerFixture extends TestDb {
  settings: Settings;
  queue: Queue;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A fresh database with its Settings and Queue, and the server options every test server shares. */
export async function openServerParts(driver: DriverName, options: Partial<ServerOptions> = {}) {
  const t = await openTestDb(driver);
  const settings = new Settings(t.db);
  const queue = new Queue(t.db, { settings });
  const serverOptions = { db: t.db, queue, settings, uiDir: null, defaultMetrics: false, ...options };
  return { t, settings, queue, serverOptions };
}

/** A fresh database, a Queue, and a server over them (not listening: use `app.inject`). */
export async function openServerFixture(
  driver: DriverName,
  options: Partial<ServerOptions> = {},
): Promise<ServerFixture> {
  const { t, settings, queue, serverOptions } = await openServerParts(driver, options);
  const app = await createServer(serverOptions);
  return {
    ...t,
    settings,
    queue,
    app,
    async close() {
      await app.close();
      await t.drop();
    },
  };
}

export const ECHO = 'export function main(args) { console.log("hello"); return args; }';

export async function deploy(settings: Settings, path: string, content = ECHO) {
  return settings.deployScript({ path, content, language: 'javascript' });
}

/** Plays a worker: claims jobs of `tags` and completes each with `outcome(args)` (a result or a thrown error). */
export async function completeNext(
  queue: Queue,
  tags: string[],
  outcome: (args: Record<string, unknown>) => unknown = (args) => args,
  logs: string[] = [],
): Promise<string[]> {
  const jobs = await queue.claim('test-worker', tags, 100);
  for (const job of jobs) {
    await queue.appendLogs(logs.map((text, seq) => ({ id: job.id, attempt: job.attempt, seq, text })));
    try {
      const result = outcome(job.args);
      await queue.complete([{ id: job.id, token: job.token, status: 'success', result }]);
    } catch (err) {
      const error = { message: (err as Error).message, name: 'Error' };
      await queue.complete([{ id: job.id, token: job.token, status: 'failure', error, retryable: false }]);
    }
  }
  return jobs.map((j) => j.id);
}
