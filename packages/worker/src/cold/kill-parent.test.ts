// Hostile jobs against the worker process itself: its secrets and its life. The host here is a
// process of its own (test-fixtures/cold-host.mjs, the built package) holding DATABASE_URL and
// MILLRACE_TOKEN, so a job that succeeds in killing it fails this test instead of the test runner.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { confinement } from '@millrace/dedicated-runner';
import { describe, expect, it } from 'vitest';
import type { JobOutcome } from '../executor';
import { isAlive } from './test-support';

const HOST = fileURLToPath(new URL('../../test-fixtures/cold-host.mjs', import.meta.url));
const SECRETS = { DATABASE_URL: 'postgres://millrace:s3cret-db@db/prod', MILLRACE_TOKEN: 's3cret-token' };

/** Runs `code` on a cold executor in a host process; the outcome, or how the host died. */
async function attackHost(code: string) {
  const host = spawn(process.execPath, [HOST, code], {
    env: { ...process.env, ...SECRETS },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    host.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let out = '';
  host.stdout.on('data', (chunk: Buffer) => {
    out += chunk;
  });
  const answered = await Promise.race([
    new Promise<JobOutcome>((resolve) =>
      host.stdout.on('data', () => out.includes('\n') && resolve(JSON.parse(out) as JobOutcome)),
    ),
    exited.then((how) => ({ hostDied: how })),
  ]);
  const aliveAfterJob = host.pid !== undefined && isAlive(host.pid);
  host.stdin.end();
  await exited;
  return { answered, aliveAfterJob };
}

// Without isolation the job's parent is the host.
const withHostPid = (body: string) =>
  `export async function main() { const hostPid = process.ppid; ${body} }`;

describe.runIf(confinement().mode === 'pid-namespace')('a job against its worker process', () => {
  it('reads neither DATABASE_URL nor MILLRACE_TOKEN from /proc/$PPID/environ', async () => {
    const { answered, aliveAfterJob } = await attackHost(
      withHostPid(`const fs = await import('node:fs');
        try { return fs.readFileSync('/proc/' + hostPid + '/environ', 'latin1'); } catch (e) { return e.code; }`),
    );
    expect(aliveAfterJob).toBe(true);
    expect(answered).toMatchObject({ status: 'success' });
    const text = JSON.stringify(answered);
    expect(text).not.toContain('s3cret');
  });

  it('cannot kill its parent, nor its process group, with SIGKILL', async () => {
    const { answered, aliveAfterJob } = await attackHost(
      withHostPid(`const tried = [];
        for (const target of [hostPid, -hostPid]) {
          try { process.kill(target, 'SIGKILL'); tried.push('killed ' + target); } catch (e) { tried.push(e.code); }
        }
        return tried;`),
    );
    expect(answered).not.toHaveProperty('hostDied');
    expect(aliveAfterJob).toBe(true);
    // ppid 0 inside its namespace: kill(0) and kill(-0) reach the job's own group at most
    expect(answered).toMatchObject({ status: expect.stringMatching(/^(success|failure)$/) });
  });

  it('cannot find the worker by scanning /proc for it', async () => {
    const { answered, aliveAfterJob } = await attackHost(
      withHostPid(`const fs = await import('node:fs');
        const found = [];
        for (const pid of fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e))) {
          let environ = '';
          try { environ = fs.readFileSync('/proc/' + pid + '/environ', 'latin1'); } catch {}
          if (environ.includes('MILLRACE_TOKEN')) { found.push(pid); try { process.kill(Number(pid), 'SIGKILL'); } catch {} }
        }
        return found;`),
    );
    expect(aliveAfterJob).toBe(true);
    expect(answered).toEqual({ status: 'success', result: [] });
  });
});
