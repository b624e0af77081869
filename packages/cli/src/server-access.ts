import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InternalErrorReport } from '@millrace/server';
import { CliError } from './errors';
import type { Io } from './io';

export interface TokenFlags {
  token?: string;
  tokenFile?: string;
}

/**
 * The server's bearer token: `--token-file` (its first line), else `--token`, else
 * $MILLRACE_TOKEN. `--token` works but warns: a command line is visible to every local user
 * (`ps`, /proc/<pid>/cmdline), a file with mode 600 or the environment is not.
 */
export function serverToken(flags: TokenFlags, io: Io): string | undefined {
  if (flags.token !== undefined && flags.tokenFile !== undefined) {
    throw new CliError('bad_flags', 'give --token or --token-file, not both');
  }
  if (flags.tokenFile !== undefined) {
    const path = resolve(io.cwd, flags.tokenFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new CliError('bad_flags', `cannot read --token-file ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const token = text.split(/\r?\n/)[0].trim();
    if (token === '') throw new CliError('bad_flags', `--token-file ${path} is empty`);
    return token;
  }
  if (flags.token !== undefined) {
    io.err(
      'warning: --token is visible to every user of this machine (ps); prefer $MILLRACE_TOKEN or --token-file',
    );
    return flags.token;
  }
  return io.env.MILLRACE_TOKEN || undefined;
}

/** Prints each 5xx the server answers with its request id, which the client got as X-Request-Id. */
export function printInternalErrors(io: Io): (report: InternalErrorReport) => void {
  return ({ requestId, method, url, status, error }) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.err(`error: ${method} ${url} answered ${status} (request ${requestId}): ${detail}`);
  };
}
