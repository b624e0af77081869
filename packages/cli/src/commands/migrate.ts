import { migrate, migrations } from '@millrace/db';
import { commandDbError, type DbFlags, describeDb, openCommandDb } from '../database';
import type { Io } from '../io';

/** `millrace migrate`: applies the pending migrations (under a lock) and says which. */
export async function migrateCommand(flags: DbFlags, io: Io): Promise<void> {
  const db = await openCommandDb({ ...flags, migrate: false }, io);
  try {
    const applied = await migrate(db).catch((err: unknown) => {
      throw commandDbError(err, flags, io);
    });
    const names = new Map(migrations.map((m) => [m.id, m.name]));
    for (const id of applied) io.out(`applied ${names.get(id) ?? `migration ${id}`}`);
    io.out(
      `database is up to date (${applied.length ? `${applied.length} applied` : 'nothing to apply'}): ${describeDb(flags, io)}`,
    );
  } finally {
    await db.close();
  }
}
