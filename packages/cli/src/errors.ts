import { MillraceError } from '@millrace/db';

/** A command cannot do what it was asked (bad flag value, unreachable database…); printed, exit 1. */
export class CliError extends MillraceError {
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    { exitCode = 1, cause }: { exitCode?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause });
    this.exitCode = exitCode;
  }
}
