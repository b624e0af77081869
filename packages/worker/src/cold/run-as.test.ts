// runAs: with the worker running as root, a job runs as another user and can touch neither the
// worker's files nor its processes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { GenericExecutor } from '../generic-executor';
import { createColdExecutor } from './index';
import { resolveRunAs } from './run-as';
import { contextFor, jobFor, wrapperPids } from './test-support';

let executor: Executor | undefined;
afterEach(async () => {
  await executor?.close();
  executor = undefined;
  expect(wrapperPids()).toEqual([]);
});

describe.runIf(process.getuid?.() === 0)('runAs', () => {
  const nobody = resolveRunAs('nobody');

  it('resolves a user name and uid:gid on this host, and refuses an unknown user', () => {
    expect(nobody.uid).toBeGreaterThan(0);
    expect(resolveRunAs('4242:4343')).toEqual({ uid: 4242, gid: 4343 });
    expect(() => resolveRunAs('no-such-user-here')).toThrow(
      expect.objectContaining({ code: 'worker_config' }),
    );
  });

  it("runs the job as that user: it reads no file only the worker's user may read", async () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'millrace-worker-files-')), 'data');
    writeFileSync(secret, 'the worker database', { mode: 0o600 });
    executor = createColdExecutor({ concurrency: 1, runAs: nobody });
    const code = `import { readFileSync, writeFileSync } from 'node:fs';
      export function main() {
        let read; try { read = readFileSync(${JSON.stringify(secret)}, 'utf8'); } catch (e) { read = e.code; }
        writeFileSync('scratch.txt', 'its own temp dir is writable');
        return { uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), read };
      }`;
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome).toEqual({
      status: 'success',
      result: { uid: nobody.uid, gid: nobody.gid, groups: [nobody.gid], read: 'EACCES' },
    });
  });

  it('runs a generic Python job as that user too', async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {}, runAs: nobody });
    const code = 'import os\ndef main(args):\n    return [os.getuid(), os.getgid()]\n';
    const outcome = await executor.run(jobFor(code, { language: 'python' }), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: [nobody.uid, nobody.gid] });
  });
});
