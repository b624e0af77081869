// Hostile jobs that leave processes behind: setsid'd daemons and double-forked grandchildren must
// die with the job, however it ends. They are found from outside by a marker in their argv.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, isAlive, jobFor, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

/** the daemons (node processes), not the short-lived `sh` that double-forks one: its argv has the marker too */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.startsWith(process.execPath) && cmdline.includes(marker) && isAlive(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

// A daemon in a session of its own (setsid), and one double-forked by a shell that exits at once.
// The job counts only node processes: counting the shell, it could report both daemons up before
// the second one exists.
const leaveDaemons = (marker: string, then: string) => `import { spawn } from 'node:child_process';
export async function main() {
  const forever = ['-e', 'setInterval(() => {}, 1000)', '${marker}'];
  spawn(process.execPath, forever, { detached: true, stdio: 'ignore' }).unref();
  spawn('/bin/sh', ['-c', '"$0" "$@" &', process.execPath, ...forever], { detached: true, stdio: 'ignore' }).unref();
  const deadline = Date.now() + 10_000;
  const count = () => process.getBuiltinModule('node:fs').readdirSync('/proc').filter((p) => {
    try { const c = process.getBuiltinModule('node:fs').readFileSync('/proc/' + p + '/cmdline', 'utf8'); return c.startsWith(process.execPath) && c.includes('${marker}'); } catch { return false; }
  }).length;
  while (count() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  ${then}
}`;

describe('processes a job leaves behind', () => {
  it('die when the job returns', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const marker = `millrace-orphan-${randomUUID()}`;
    const outcome = await executor.run(jobFor(leaveDaemons(marker, 'return "done";')), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: 'done' });
    await waitFor(() => processesWith(marker).length === 0);
  });

  it('die when the job times out', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const marker = `millrace-orphan-${randomUUID()}`;
    const code = leaveDaemons(
      marker,
      'console.log("started"); await new Promise(() => setInterval(() => {}, 1000));',
    );
    const { ctx, text } = contextFor();
    const running = executor.run(jobFor(code, { timeoutMs: 10_000 }), ctx);
    await waitFor(() => text().includes('started'));
    expect(processesWith(marker)).toHaveLength(2);
    expect(await running).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    await waitFor(() => processesWith(marker).length === 0);
  });

  it('die when the job crashes', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const marker = `millrace-orphan-${randomUUID()}`;
    const outcome = await executor.run(jobFor(leaveDaemons(marker, 'process.exit(7);')), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'no_result' } });
    await waitFor(() => processesWith(marker).length === 0);
  });
});
