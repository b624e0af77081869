import { MillraceError } from '@millrace/db';

/** The server was asked to start in a way that would be unsafe or cannot work (e.g. no token off loopback). */
export class ServerConfigError extends MillraceError {
  constructor(message: string) {
    super('server_config', message);
  }
}

/**
 * An error raised by the HTTP layer itself, already in the API's vocabulary: an upper-snake `code`
 * from docs/http-api.md and the status it maps to.
 */
export class HttpError extends MillraceError {
  readonly status: number;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code, message);
    this.status = status;
    this.details = details;
  }
}
