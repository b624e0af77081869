import pg from 'pg';
import { DatabaseError } from './errors';
import type { Db, Driver, Queryable, QueryResult, Unlisten } from './types';

export interface PostgresOptions {
  url: string;
  /** connections in the pool (default 10) */
  poolSize?: number;
}

type Listener = (payload: string) => void;

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/**
 * PostgreSQL through a `pg` Pool. LISTEN needs a connection of its own that stays open, so one
 * dedicated client carries every channel and reconnects with backoff when it drops.
 */
export function openPostgres(options: PostgresOptions): Driver {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the host; the next query reconnects.
  pool.on('error', () => {});

  const listeners = new Map<string, Set<Listener>>();
  let listenClient: Promise<pg.Client> | null = null;
  let closed = false;

  async function connectListener(): Promise<pg.Client> {
    let delay = RECONNECT_MIN_MS;
    for (;;) {
      const client = new pg.Client({ connectionString: options.url });
      try {
        await client.connect();
        client.on('notification', (msg) => {
          for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
        });
        client.on('error', () => {
          client.end().catch(() => {});
          if (closed) return;
          listenClient = connectListener();
        });
        for (const channel of listeners.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
        return client;
      } catch (err) {
        await client.end().catch(() => {});
        if (closed) throw new DatabaseError('database closed while connecting the listener', { cause: err });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      }
    }
  }

  const { query, transaction, checkOut } = poolQueries(pool);
  const ownConnections = new Set<pg.Pool>();

  const driver: Driver = {
    driver: 'postgres',
    query,
    transaction,

    async listen(channel: string, onPayload: Listener): Promise<Unlisten> {
      let set = listeners.get(channel);
      const isNewChannel = !set;
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(onPayload);
      const hadClient = listenClient !== null;
      listenClient ??= connectListener();
      const client = await listenClient;
      // A fresh client LISTENs on every known channel while connecting.
      if (isNewChannel && hadClient) await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (set.size > 0 || listeners.get(channel) !== set) return;
        listeners.delete(channel);
        const current = await listenClient;
        await current?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
      };
    },

    async notify(channel: string, payload: string): Promise<void> {
      await query('SELECT pg_notify($1, $2)', [channel, payload]);
    },

    ownConnection(): Db {
      // a pool of one: it opens the connection on first use and replaces a broken one
      const own = new pg.Pool({ connectionString: options.url, max: 1 });
      own.on('error', () => {});
      ownConnections.add(own);
      const { query, transaction } = poolQueries(own);
      return {
        driver: 'postgres',
        query,
        transaction,
        listen: driver.listen,
        notify: driver.notify,
        ownConnection: driver.ownConnection,
        async close() {
          if (!ownConnections.delete(own)) return;
          await own.end();
        },
      };
    },

    async withExclusiveSession(fn) {
      const { client, release } = await checkOut();
      try {
        return await fn({
          async query<R>(sql: string, params?: unknown[]) {
            const res = await client.query(sql, params as unknown[]);
            return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        });
      } finally {
        release();
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const client = listenClient;
      listenClient = null;
      if (client) await (await client.catch(() => null))?.end().catch(() => {});
      const owns = [...ownConnections];
      ownConnections.clear();
      await Promise.all([pool.end(), ...owns.map((own) => own.end())]);
    },
  };
  return driver;
}

/** `query` and `transaction` over a pool (the shared one, or a connection of its own). */
function poolQueries(pool: pg.Pool): Pick<Db, 'query' | 'transaction'> & {
  checkOut(): Promise<{ client: pg.PoolClient; release: () => void }>;
} {
  async function query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    try {
      const res = await pool.query(sql, params as unknown[]);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    } catch (err) {
      throw asConnectionError(err);
    }
  }

  /**
   * A client checked out of the pool has no error listener of the pool's: a connection lost while
   * it is out (mid-transaction, mid-migration) would be an unhandled 'error' event and crash the
   * host. This listens while it is out and destroys it on release if it broke.
   */
  async function checkOut(): Promise<{ client: pg.PoolClient; release: () => void }> {
    const client = await pool.connect().catch((err) => {
      throw asConnectionError(err);
    });
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    return {
      client,
      release() {
        client.off('error', onError);
        client.release(broken);
      },
    };
  }

  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const { client, release } = await checkOut();
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        async query<R>(sql: string, params?: unknown[]) {
          const res = await client.query(sql, params as unknown[]);
          return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
        },
      };
      const value = await fn(tx);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw asConnectionError(err);
    } finally {
      release();
    }
  }

  return { query, transaction, checkOut };
}

/** Channel names come from our own code, but quote them anyway: LISTEN takes no parameters. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const LOST_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
// A connection that was never made is not "lost": the message says so (a wrong URL, a server down).
const NO_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '3D000',
  '28000',
  '28P01',
]);

/**
 * The server went away (restart, failover, pg_terminate_backend) or the network dropped: a
 * DatabaseError the caller can recognise (`code: 'database_error'`), the driver's error as `cause`.
 * SQL errors (constraint violations and the like) pass through unchanged.
 */
function asConnectionError(err: unknown): unknown {
  if (err instanceof DatabaseError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (NO_CONNECTION_CODES.has(code))
    return new DatabaseError(`cannot connect to the database: ${message}`, { cause: err });
  const lost =
    code.startsWith('08') || // connection exception
    code.startsWith('57P0') || // admin shutdown, crash shutdown, cannot connect now
    LOST_CONNECTION_CODES.has(code) ||
    message.startsWith('Connection terminated') ||
    message.startsWith('Client has encountered a connection error');
  return lost ? new DatabaseError(`database connection lost: ${message}`, { cause: err }) : err;
}
