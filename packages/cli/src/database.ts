import { resolve } from 'node:path';
import { DatabaseError, DataDirLockedError, type Db, MigrationError, openDb } from '@millrace/db';
import { CliError } from './errors';
import type { Io } from './io';

export interface DbFlags {
  databaseUrl?: string;
  dataDir?: string;
  /** apply pending migrations on open (default true) */
  migrate?: boolean;
}

export const DEFAULT_DATA_DIR = '.millrace';

/** Where a command's database is, for messages; a URL's password never reaches the terminal. */
export function describeDb(flags: DbFlags, io: Io): string {
  const url = flags.databaseUrl ?? io.env.DATABASE_URL;
  if (url) {
    try {
      const u = new URL(url);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return 'the DATABASE_URL given';
    }
  }
  return `embedded PGlite in ${resolve(io.cwd, flags.dataDir ?? DEFAULT_DATA_DIR)}`;
}

/**
 * Opens (and migrates) the database a command works on: --database-url, else DATABASE_URL, else
 * embedded PGlite in --data-dir (default ./.millrace). A PGlite directory is for one process at a time.
 */
export async function openCommandDb(flags: DbFlags, io: Io): Promise<Db> {
  const url = flags.databaseUrl ?? io.env.DATABASE_URL;
  try {
    return url
      ? await openDb({ url, migrate: flags.migrate })
      : await openDb({ dataDir: resolve(io.cwd, flags.dataDir ?? DEFAULT_DATA_DIR), migrate: flags.migrate });
  } catch (err) {
    throw commandDbError(err, flags, io);
  }
}

/** A failure to reach or open the database, said once, with where it was and what it was. */
export function commandDbError(err: unknown, flags: DbFlags, io: Io): unknown {
  if (err instanceof MigrationError) return err;
  if (err instanceof DataDirLockedError) return dataDirBusy(err);
  const detail = err instanceof DatabaseError || err instanceof Error ? err.message : String(err);
  return new CliError(
    'database_unreachable',
    `cannot open the database (${describeDb(flags, io)}): ${detail}`,
    {
      cause: err,
    },
  );
}

/** Says what to do instead when another process (usually `millrace dev`) has the embedded database. */
function dataDirBusy(err: DataDirLockedError): CliError {
  return new CliError(
    'data_dir_locked',
    `${err.message}.\nAn embedded database serves one process at a time. Instead:\n` +
      '  - talk to that process over its HTTP API, e.g. curl -X POST http://127.0.0.1:8787/api/run/<path> ' +
      "-H 'content-type: application/json' -d '{}' (see docs/http-api.md), or\n" +
      '  - stop it first, or\n' +
      '  - use PostgreSQL (DATABASE_URL), which any number of processes can share.',
    { cause: err },
  );
}
