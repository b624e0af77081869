import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InitScriptFailedError } from './errors';

/**
 * Runs a worker group's init script once, before the worker takes jobs (as Windmill does): a
 * shell script with the group's env only, in a scratch directory, bounded in time.
 */
export async function runInitScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'millrace-init-'));
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        '/bin/sh',
        ['-c', script],
        {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
          timeout: timeoutMs,
        },
        (err, stdout, stderr) =>
          err
            ? reject(
                new InitScriptFailedError(`init script failed: ${stderr || err.message}`, { cause: err }),
              )
            : resolve(stdout),
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
