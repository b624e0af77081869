import { MillraceError } from '@millrace/db';
import { CommanderError } from 'commander';
import { CliError } from './errors';
import { buildProgram } from './program';

// The `millrace` executable: run the program, turn every error into a message and an exit code.
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed the message (or the help / version, with exit code 0)
    process.exitCode = err.exitCode;
  } else if (err instanceof MillraceError) {
    process.stderr.write(`millrace: ${err.message}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  } else {
    process.stderr.write(`millrace: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
