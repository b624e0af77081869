import { MillraceError } from '@millrace/dedicated-runner';

// The one base class lives in @millrace/dedicated-runner (the package with no dependencies);
// re-exported here so every package that builds on the database imports it from one place.
export { MillraceError };

/** The database could not be reached or a query failed for a reason outside the caller's input. */
export class DatabaseError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('database_error', message, options);
  }
}

/** A migration failed to apply; nothing of it was kept. */
export class MigrationError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('migration_failed', message, options);
  }
}

/** Another live process has this embedded database's data dir open (PGlite is one process only). */
export class DataDirLockedError extends MillraceError {
  readonly dataDir: string;
  readonly holder: { pid: number; host: string; command: string; since: string } | null;

  constructor(dataDir: string, holder: DataDirLockedError['holder']) {
    const who = holder
      ? `process ${holder.pid} on ${holder.host} (${holder.command || 'unknown command'}, since ${holder.since})`
      : `another process (its lock file ${dataDir}.lock is being written or unreadable; delete it if no process uses the directory)`;
    super('data_dir_locked', `the embedded database ${dataDir} is open in ${who}`);
    this.dataDir = dataDir;
    this.holder = holder;
  }
}
