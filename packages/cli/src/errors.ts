import { MillraceError } from '@millrace/db';

/**
 * The CLI's own codes, and those it reuses when it reports a package's condition with a hint
 * (the wait timed out, the data dir is locked, the job failed).
 */
export type CliErrorCode =
  | (typeof CliError.codes)[number]
  | 'wait_timeout'
  | 'data_dir_locked'
  | 'job_failed';

/** A command cannot do what it was asked (bad flag value, unreachable database…); printed, exit 1. */
export class CliError extends MillraceError {
  /** the codes the CLI owns (listed in docs/errors.md and the server's ERROR_STATUS) */
  static readonly codes = [
    'usage',
    'bad_flags',
    'unknown_language',
    'file_not_found',
    'database_unreachable',
    'stop_incomplete',
  ] as const;

  declare readonly code: CliErrorCode;
  readonly exitCode: number;

  constructor(
    code: CliErrorCode,
    message: string,
    { exitCode = 1, cause }: { exitCode?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause });
    this.exitCode = exitCode;
  }
}
