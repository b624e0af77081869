import { MillraceError } from '@millrace/db';

export class JobNotFoundError extends MillraceError {
  constructor(id: string) {
    super('job_not_found', `no job with id ${JSON.stringify(id)}`);
  }
}

/**
 * Args that are not a JSON object, that JSON would change (a Date, NaN, a function, a Map…: the
 * message names the path of the value), or that a job definition's `parseArgs` refused (`cause`).
 */
export class InvalidArgsError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_args', message, options);
  }
}

export class ArgsTooLargeError extends MillraceError {
  constructor(bytes: number, limit: number) {
    super('args_too_large', `args are ${bytes} bytes; the limit is ${limit} bytes`);
  }
}

/** Push options (tag, priority, schedule, timeout, attempts) out of range or of the wrong type. */
export class InvalidJobOptionsError extends MillraceError {
  constructor(message: string) {
    super('invalid_job_options', message);
  }
}

export class WaitTimeoutError extends MillraceError {
  constructor(id: string, timeoutMs: number) {
    super('wait_timeout', `job ${id} did not finish within ${timeoutMs} ms`);
  }
}

/** Another process held the history maintenance lease for longer than a caller could wait. */
export class HistoryBusyError extends MillraceError {
  constructor(waitedMs: number) {
    super('history_busy', `the history maintenance lease stayed taken for ${waitedMs} ms; try again`);
  }
}
