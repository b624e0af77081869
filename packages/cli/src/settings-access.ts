import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { type DbFlags, openCommandDb } from './database';
import type { Io } from './io';

/** Runs `fn` with the settings (and queue) of the command's database, closed after. */
export async function withSettings<T>(
  flags: DbFlags,
  io: Io,
  fn: (settings: Settings, queue: Queue) => Promise<T>,
): Promise<T> {
  const db = await openCommandDb(flags, io);
  try {
    const settings = new Settings(db);
    return await fn(settings, new Queue(db, { settings }));
  } finally {
    await db.close();
  }
}
