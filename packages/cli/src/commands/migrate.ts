import { type DbFlags, describeDb, openCommandDb } from '../database';
import type { Io } from '../io';

/** `millrace migrate`: opening the database applies any pending migrations (under a lock). */
export async function migrateCommand(flags: DbFlags, io: Io): Promise<void> {
  const db = await openCommandDb(flags, io);
  await db.close();
  io.out(`database is up to date: ${describeDb(flags, io)}`);
}
