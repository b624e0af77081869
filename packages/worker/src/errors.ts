import { MillraceError } from '@millrace/db';

/** The worker was asked for something its group's configuration does not allow. */
export class WorkerConfigError extends MillraceError {
  constructor(message: string) {
    super('worker_config', message);
  }
}

/**
 * The database refused one row of a batch for its data (SQLSTATE class 22, 23, 54 or a trigger's
 * RAISE): the batch was split until that row was alone, and the row replaced by a note or dropped.
 */
export class RowRefusedError extends MillraceError {
  constructor(
    message: string,
    /** the job the row belonged to */
    readonly jobId: string,
    options?: { cause?: unknown },
  ) {
    super('row_refused', message, options);
  }
}

/**
 * Writing results or logs failed for a reason other than one row's data (connection lost, table
 * missing, disk full): retried with backoff, and the worker claims nothing until a write succeeds.
 */
export class WriteFailingError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('write_failing', message, options);
  }
}

/** The worker group's init script exited non-zero or timed out: startWorker rejects, nothing starts. */
export class InitScriptFailedError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('init_script_failed', message, options);
  }
}
