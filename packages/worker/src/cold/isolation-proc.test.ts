// Hostile jobs against /proc: a job must reach nothing of the worker that runs it (docs/isolation.md).
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confinement } from '@millrace/dedicated-runner';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import {
  contextFor,
  hostileProbe,
  jobFor,
  ownEnvironEntries,
  type ProbeResult,
  wrapperPids,
} from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

// What a job cannot reach here rests on its PID namespace; a host that allows none (no root, no
// user namespaces) gets the weaker 'session' confinement, which docs/isolation.md describes.
const namespaced = confinement().mode === 'pid-namespace';

async function probe(): Promise<ProbeResult> {
  executor = createColdExecutor({ concurrency: 1, env: { GROUP_VAR: 'g' } });
  const outcome = await executor.run(jobFor(hostileProbe(process.pid)), contextFor({ GROUP_VAR: 'g' }).ctx);
  expect(outcome.status).toBe('success');
  return (outcome as { result: ProbeResult }).result;
}

describe.runIf(namespaced)('a job reading /proc', () => {
  it("reads nothing of the worker's environment through /proc/$PPID/environ or /proc/<worker pid>/environ", async () => {
    const seen = await probe();
    const jobEnv = new Set(['GROUP_VAR=g']);
    const secrets = ownEnvironEntries().filter((entry) => !jobEnv.has(entry));
    expect(secrets.length).toBeGreaterThan(0);
    for (const text of [seen.ppidEnviron, seen.hostEnviron]) {
      expect(secrets.filter((entry) => text.includes(entry))).toEqual([]);
    }
    expect(seen.hostEnviron).toBe('ERR ENOENT');
  });

  it("cannot see the worker's command line or memory, nor any process but its own", async () => {
    const seen = await probe();
    expect(seen.hostCmdline).toBe('ERR ENOENT');
    expect(seen.hostMem).toBe('ERR ENOENT');
    expect(seen.visible.length).toBeGreaterThan(0);
    expect(seen.visible.filter((cmdline) => !cmdline.includes('cold-wrapper.mjs'))).toEqual([]);
  });

  it('inherits no file the worker holds open', async () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'millrace-secret-')), 'secret');
    writeFileSync(secret, 'token');
    const fd = openSync(secret, 'r');
    try {
      const seen = await probe();
      expect(seen.fds.filter((target) => target.includes('millrace-secret-'))).toEqual([]);
      // stdio and the channel to the worker only, plus what node opens for itself (no files)
      expect(seen.fds.filter((target) => target.startsWith('/') && !target.startsWith('/dev/'))).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  // A worker running as root without runAs starts root jobs: they could unmount the namespace's
  // /proc and find the host's under it, were their capabilities not dropped.
  it.runIf(process.getuid?.() === 0)("as root, cannot unmount its /proc to reach the worker's", async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `import { execFileSync } from 'node:child_process';
      import { readdirSync, readFileSync } from 'node:fs';
      export function main() {
        let umount = 'unmounted';
        try { execFileSync('umount', ['-l', '/proc'], { stdio: 'pipe' }); } catch (e) { umount = 'refused'; }
        const pids = readdirSync('/proc').filter((e) => /^\\d+$/.test(e));
        const environs = pids.map((p) => { try { return readFileSync('/proc/' + p + '/environ', 'latin1'); } catch { return ''; } });
        return { umount, pids: pids.length, environs: environs.join('\\n').replaceAll('\\0', '\\n') };
      }`;
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome.status).toBe('success');
    const seen = (outcome as { result: { umount: string; pids: number; environs: string } }).result;
    expect(seen.umount).toBe('refused');
    const lines = new Set(seen.environs.split('\n'));
    const secrets = ownEnvironEntries().filter((entry) => !entry.startsWith('NODE_CHANNEL_'));
    expect(secrets.filter((entry) => lines.has(entry))).toEqual([]);
  });
});
