import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import type { Driver, Queryable, QueryResult, Unlisten } from './types';

export interface PgliteOptions {
  /** persist in this directory; in memory when absent */
  dataDir?: string;
  /** start from a dump made by `dumpPglite` (tests use a migrated template: ~0.4 s instead of ~3 s) */
  loadDataDir?: Blob;
}

/**
 * Embedded PostgreSQL in WebAssembly: one backend, one connection. PGlite serialises queries and
 * transactions itself, so the same SQL runs unchanged; there is just no real lock contention.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Driver & { dump(): Promise<Blob> }> {
  // Taken before PGlite touches the directory: a second process must not even read it.
  const onDisk = options.dataDir !== undefined && !options.dataDir.includes('://');
  const lock = onDisk ? lockDataDir(resolve(options.dataDir as string)) : null;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  } catch (err) {
    lock?.release();
    throw err;
  }
  let closed = false;

  async function query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const res = await pglite.query<R>(sql, params);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }

  const asQueryable = (tx: { query: PGlite['query'] }): Queryable => ({
    async query<R>(sql: string, params?: unknown[]) {
      const res = await tx.query<R>(sql, params);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
  });

  const driver: Driver & { dump(): Promise<Blob> } = {
    driver: 'pglite',
    query,

    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(asQueryable(tx)));
    },

    async listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
      const unsubscribe = await pglite.listen(channel, onPayload);
      return async () => {
        if (!closed) await unsubscribe();
      };
    },

    async notify(channel: string, payload: string): Promise<void> {
      await pglite.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },

    ownConnection() {
      // one backend serves everything anyway: the same database, whose close() is the owner's
      const { transaction, listen, notify, ownConnection } = driver;
      return { driver: 'pglite', query, transaction, listen, notify, ownConnection, close: async () => {} };
    },

    async withExclusiveSession(fn) {
      return fn({
        query,
        async exec(sql: string) {
          await pglite.exec(sql);
        },
      });
    },

    dump() {
      return pglite.dumpDataDir('none') as Promise<Blob>;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
  return driver;
}
