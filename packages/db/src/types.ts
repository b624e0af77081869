export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs parameterised SQL: the database itself or a transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export type DriverName = 'postgres' | 'pglite';

export type Unlisten = () => Promise<void>;

/** The one handle every other package gets. Only this package knows `pg` and PGlite. */
export interface Db extends Queryable {
  readonly driver: DriverName;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; resolves once the LISTEN is active (a NOTIFY sent after is delivered). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten>;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * The same database on a connection of its own, for a statement that must never wait for a
   * pool slot behind other work (a worker's heartbeat). PostgreSQL: one more connection, opened on
   * first use and reopened after a loss; PGlite (one connection anyway): this database. LISTEN
   * stays on the shared listening connection. Closing it closes that connection only; closing
   * this Db closes it too.
   */
  ownConnection(): Db;
  close(): Promise<void>;
}

/** What a driver gives `openDb`: the Db plus raw multi-statement execution for migrations. */
export interface Driver extends Db {
  /** Runs `fn` holding a session-level lock on a dedicated connection (migrations). */
  withExclusiveSession<T>(
    fn: (session: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>,
  ): Promise<T>;
}
