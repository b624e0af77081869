import { MillraceError } from '@millrace/db';

/** The worker was asked for something its group's configuration does not allow. */
export class WorkerConfigError extends MillraceError {
  constructor(message: string) {
    super('worker_config', message);
  }
}
