/**
 * The base of every error Millrace throws on a public path. `code` is stable and machine-readable
 * (the HTTP API returns it as `error.code`); `message` is for people.
 */
export class MillraceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

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
