// Hostile scripts in the process runtime (untrusted code, docs/isolation.md): they reach nothing of
// their host, cannot kill it, leave nothing running, and meet the memory cap. Node and Python alike.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { confinement, openRunner } from './index';
import { checkNoLeaks, outcome, waitFor } from './test-support';

checkNoLeaks();

const HOST = fileURLToPath(new URL('../test-fixtures/runner-host.mjs', import.meta.url));
const SECRETS = { DATABASE_URL: 'postgres://millrace:s3cret-db@db/prod', MILLRACE_TOKEN: 's3cret-token' };

/** Runs one call of `content` in a host process of its own that holds SECRETS. */
async function inHost(content: string, language: 'javascript' | 'python') {
  const host = spawn(process.execPath, [HOST, content, language], {
    env: { ...process.env, ...SECRETS },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => host.once('exit', (code, signal) => resolve(signal ?? code)));
  let out = '';
  const answered = await Promise.race([
    new Promise<unknown>((resolve) =>
      host.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        if (out.includes('\n')) resolve(JSON.parse(out));
      }),
    ),
    exited.then((how) => ({ hostDied: how })),
  ]);
  host.stdin.end();
  await exited;
  return answered;
}

function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const zombie = stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
        return !zombie && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const scripts = {
  javascript: {
    readParent: `import { readFileSync } from 'node:fs';
      export function main() { try { return readFileSync('/proc/' + process.ppid + '/environ', 'latin1'); } catch (e) { return e.code; } }`,
    killParent: `export function main() {
        const tried = [];
        for (const target of [process.ppid, -process.ppid]) {
          try { process.kill(target, 'SIGKILL'); tried.push('sent'); } catch (e) { tried.push(e.code); }
        }
        return tried;
      }`,
    daemon: (marker: string) => `import { spawn } from 'node:child_process';
      export function main() {
        spawn('/bin/sh', ['-c', 'sleep 1000; : ${marker}'], { detached: true, stdio: 'ignore' }).unref();
        return 'left a daemon';
      }`,
    bigAlloc: 'export function main() { return Buffer.alloc(1536 * 1024 * 1024).length; }',
  },
  python: {
    readParent: `import os
def main(args):
    try:
        return open('/proc/%d/environ' % os.getppid(), 'rb').read().decode('latin1')
    except OSError as error:
        return type(error).__name__`,
    killParent: `import os, signal
def main(args):
    tried = []
    for target in (os.getppid(), -os.getppid()):
        try:
            os.kill(target, signal.SIGKILL)
            tried.append('sent')
        except OSError as error:
            tried.append(type(error).__name__)
    return tried`,
    daemon: (marker: string) => `import subprocess
def main(args):
    subprocess.Popen(['/bin/sh', '-c', 'sleep 1000; : ${marker}'], start_new_session=True)
    return 'left a daemon'`,
    bigAlloc: 'def main(args):\n    return len(bytearray(1536 * 1024 * 1024))\n',
  },
};

describe.runIf(confinement().mode === 'pid-namespace').each(['javascript', 'python'] as const)(
  'a hostile %s script in the process runtime',
  (language) => {
    const s = scripts[language];

    test("reads nothing of its host's environment through /proc/$PPID/environ", async () => {
      const answered = await inHost(s.readParent, language);
      expect(answered).toMatchObject({ status: 'success' });
      expect(JSON.stringify(answered)).not.toContain('s3cret');
    });

    test('cannot kill its host', async () => {
      const answered = await inHost(s.killParent, language);
      expect(answered).not.toHaveProperty('hostDied');
    });

    test('leaves no setsid daemon running once its runner closes', async () => {
      const marker = `millrace-daemon-${randomUUID()}`;
      const runner = await openRunner({ content: s.daemon(marker), language, runtime: 'process' });
      try {
        expect(await runner.run({})).toBe('left a daemon');
        await waitFor(() => processesWith(marker).length === 1, 'the daemon to start');
      } finally {
        await runner.close();
      }
      await waitFor(() => processesWith(marker).length === 0, 'the daemon to be killed');
    });

    test('meets its memory cap', async () => {
      const runner = await openRunner({
        content: s.bigAlloc,
        language,
        runtime: 'process',
        // Node 24 does not start under ~768 MiB of RLIMIT_DATA (Node 20 does under 256): use the default
        memoryLimitMb: 1024,
      });
      try {
        const result = await outcome(runner.run({}));
        expect(result.ok).toBe(false);
        expect(String((result as { error: Error }).error.message)).toMatch(
          // Node 20 throws a RangeError; Node 24's V8 aborts the process (SIGTRAP) on the same allocation
          /allocation failed|MemoryError|killed by SIG(TRAP|ABRT|KILL)|^$/i,
        );
      } finally {
        await runner.close({ force: true });
      }
    });
  },
);

// A host running as root without runAs starts root processes: without their capabilities they
// cannot unmount the namespace's /proc to find the host's under it.
describe.runIf(confinement().mode === 'pid-namespace' && process.getuid?.() === 0)(
  'a root script in the process runtime',
  () => {
    test("cannot unmount its /proc to reach its host's environment", async () => {
      const answered = await inHost(
        `import { execFileSync } from 'node:child_process';
        import { readdirSync, readFileSync } from 'node:fs';
        export function main() {
          let umount = 'unmounted';
          try { execFileSync('umount', ['-l', '/proc'], { stdio: 'pipe' }); } catch { umount = 'refused'; }
          const environs = readdirSync('/proc').filter((e) => /^\\d+$/.test(e))
            .map((p) => { try { return readFileSync('/proc/' + p + '/environ', 'latin1'); } catch { return ''; } });
          return { umount, leaked: environs.some((text) => text.includes('s3cret')) };
        }`,
        'javascript',
      );
      expect(answered).toMatchObject({ status: 'success', result: { umount: 'refused', leaked: false } });
    });
  },
);

describe.runIf(process.getuid?.() === 0)('runAs in the process runtime', () => {
  test('runs the process as the given uid/gid', async () => {
    const runner = await openRunner({
      content: 'export const main = () => [process.getuid(), process.getgid(), process.getgroups()];',
      runtime: 'process',
      runAs: { uid: 65534, gid: 65534 },
    });
    try {
      expect(await runner.run({})).toEqual([65534, 65534, [65534]]);
    } finally {
      await runner.close();
    }
  });

  test('is refused for the thread runtime, where it could not apply', async () => {
    await expect(
      openRunner({ content: 'export const main = () => 1;', runAs: { uid: 65534, gid: 65534 } }),
    ).rejects.toMatchObject({ code: 'invalid_runner_options' });
  });
});
