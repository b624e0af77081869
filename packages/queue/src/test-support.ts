import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb } from '@millrace/testing';
import { Queue, type QueueOptions } from './index';

export interface QueueFixture extends TestDb {
  settings: Settings;
  queue: Queue;
}

/** A fresh database with a Queue and two deployed scripts: `f/test/noop` and `f/test/other`. */
export async function openQueueFixture(
  driver: TestDb['driver'],
  options: QueueOptions = {},
): Promise<QueueFixture> {
  const t = await openTestDb(driver);
  const settings = new Settings(t.db);
  const queue = new Queue(t.db, { settings, ...options });
  for (const path of ['f/test/noop', 'f/test/other']) {
    await settings.deployScript({
      path,
      content: 'export function main(args) { return args; }',
      language: 'javascript',
    });
  }
  return { ...t, settings, queue };
}

/** Jobs ever pushed (every state): a refused push must leave it unchanged. */
export async function countJobs(db: QueueFixture['db']): Promise<number> {
  return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM millrace.jobs')).rows[0].n);
}

/** Claims and completes everything claimable for `tags`, returning the ids in claim order. */
export async function drain(queue: Queue, tags: string[], worker = 'w1'): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const jobs = await queue.claim(worker, tags, 100);
    if (jobs.length === 0) return ids;
    await queue.complete(
      jobs.map((j) => ({ id: j.id, token: j.token, status: 'success' as const, result: j.args })),
    );
    ids.push(...jobs.map((j) => j.id));
  }
}
