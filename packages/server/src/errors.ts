import { MillraceError } from '@millrace/db';
import { type ErrorCode, statusOf } from './error-status';

/** The server was asked to start in a way that would be unsafe or cannot work (e.g. no token off loopback). */
export class ServerConfigError extends MillraceError {
  constructor(message: string) {
    super('server_config', message);
  }
}

/**
 * An error raised by the HTTP layer itself. Its status comes from the one table (ERROR_STATUS).
 * `codes` are the ones the HTTP layer owns; it may also carry a code owned by a package when it
 * reports that same condition with HTTP details (e.g. `wait_timeout` with the job's id).
 */
export class HttpError extends MillraceError {
  static readonly codes = [
    'validation',
    'unauthorized',
    'cross_site_request',
    'not_found',
    'script_version_not_found',
    'job_canceled',
    'job_already_completed',
    'payload_too_large',
    'json_required',
    'host_not_allowed',
    'too_many_requests',
    'too_many_streams',
    'job_failed',
    'internal',
  ] as const satisfies readonly ErrorCode[];

  declare readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(code, message);
    this.status = statusOf(code);
    this.details = details;
  }
}
