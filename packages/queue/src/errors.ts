import { MillraceError } from '@millrace/db';

export class JobNotFoundError extends MillraceError {
  constructor(id: string) {
    super('job_not_found', `no job with id ${JSON.stringify(id)}`);
  }
}

// One InvalidArgsError for the queue and the runner: the class lives with the base class.
export { InvalidArgsError } from '@millrace/dedicated-runner';

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
