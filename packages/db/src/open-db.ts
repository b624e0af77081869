import { DatabaseError, MigrationError } from './errors';
import { migrate } from './migrate';
import { openPglite } from './pglite-driver';
import { openPostgres } from './postgres-driver';
import type { Db, Driver } from './types';

export interface OpenDbOptions {
  /** a PostgreSQL URL; without it, embedded PGlite */
  url?: string;
  /** PGlite only: persist in this directory (in memory when absent) */
  dataDir?: string;
  /** PGlite only: start from a dump (see `dumpPglite`) */
  loadDataDir?: Blob;
  /** PostgreSQL only: pool size (default 10) */
  poolSize?: number;
  /** run the migrations before returning (default true) */
  migrate?: boolean;
}

/** Opens PostgreSQL (`url`) or embedded PGlite and brings the schema up to date. */
export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  const driver: Driver = options.url
    ? openPostgres({ url: options.url, poolSize: options.poolSize })
    : await openPglite({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  if (options.migrate === false) return driver;
  try {
    await migrate(driver);
  } catch (err) {
    await driver.close().catch(() => {});
    if (err instanceof MigrationError || err instanceof DatabaseError) throw err;
    throw new DatabaseError(`cannot open the database: ${(err as Error).message}`, { cause: err });
  }
  return driver;
}

/** Dumps an open PGlite database so another can start from it (`openDb({ loadDataDir })`). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const dump = (db as Partial<{ dump(): Promise<Blob> }>).dump;
  if (db.driver !== 'pglite' || !dump)
    throw new DatabaseError('dumpPglite needs an embedded PGlite database');
  return dump.call(db);
}
