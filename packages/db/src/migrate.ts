import { DatabaseError, MigrationError } from './errors';
import { type Migration, migrations } from './migrations';
import type { Db, Driver } from './types';

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_261_813_201;

/**
 * Applies the migrations not yet recorded, in order, each in its own transaction. A session-level
 * advisory lock makes concurrent starters wait for each other instead of applying twice.
 */
export async function migrate(db: Db, list: readonly Migration[] = migrations): Promise<number[]> {
  const driver = db as Partial<Driver>;
  if (typeof driver.withExclusiveSession !== 'function')
    throw new DatabaseError('migrate needs a database opened by openDb');
  return driver.withExclusiveSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.exec(`
        CREATE SCHEMA IF NOT EXISTS millrace;
        CREATE TABLE IF NOT EXISTS millrace.migrations (
          id integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        );`);
      const { rows } = await session.query<{ id: number }>('SELECT id FROM millrace.migrations');
      const applied = new Set(rows.map((r) => Number(r.id)));
      const newlyApplied: number[] = [];
      for (const migration of list) {
        if (applied.has(migration.id)) continue;
        try {
          await session.exec(
            `BEGIN;\n${migration.sql}\n;INSERT INTO millrace.migrations (id, name) VALUES (${Number(migration.id)}, '${migration.name.replace(/[^a-z0-9_]/gi, '')}');\nCOMMIT;`,
          );
        } catch (err) {
          await session.exec('ROLLBACK').catch(() => {});
          throw new MigrationError(`migration ${migration.name} failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
        newlyApplied.push(migration.id);
      }
      return newlyApplied;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}
