/**
 * The base of every error Millrace throws on a public path, in every package. `code` is stable,
 * snake_case and machine-readable (the HTTP API returns it unchanged as `error.code`); `message`
 * is for people. It lives here because @millrace/dedicated-runner depends on nothing: every other
 * package reaches it (`@millrace/db` re-exports it) and the runner stays usable alone.
 * Adding an error: extend this (or a subclass), give it a new code, add the code to
 * docs/errors.md and to the server's status table (packages/server/src/error-status.ts).
 */
export class MillraceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
