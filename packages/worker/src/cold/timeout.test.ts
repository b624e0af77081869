import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, isAlive, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const reportPid = 'console.log("pid=" + process.pid);';
const pidIn = (text: string) => Number(/pid=(\d+)/.exec(text)?.[1]);

describe('timeout', () => {
  it('stops a job that runs past timeoutMs and kills its process', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `export async function main() { ${reportPid} await new Promise((r) => setTimeout(r, 60_000)); }`;
    const { ctx, text } = contextFor();
    const outcome = await executor.run(jobFor(code, { timeoutMs: 300 }), ctx);
    expect(outcome).toEqual({
      status: 'failure',
      error: { message: 'timed out after 300 ms', reason: 'timeout' },
    });
    expect(isAlive(pidIn(text()))).toBe(false);
  });

  it('uses SIGKILL after killGraceMs when the script ignores SIGTERM', async () => {
    executor = createColdExecutor({ concurrency: 1, killGraceMs: 200 });
    const code = `export async function main() {
      process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
      ${reportPid}
      await new Promise((r) => setTimeout(r, 60_000));
    }`;
    const { ctx, text } = contextFor();
    const outcome = await executor.run(jobFor(code, { timeoutMs: 300 }), ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    expect(text()).toContain('ignoring SIGTERM');
    expect(isAlive(pidIn(text()))).toBe(false);
  });

  it('also kills processes the script started', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `import { spawn } from 'node:child_process';
      export async function main() {
        const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
        console.log('grandchild=' + child.pid);
        await new Promise((r) => setTimeout(r, 60_000));
      }`;
    const { ctx, text } = contextFor();
    const outcome = await executor.run(jobFor(code, { timeoutMs: 500 }), ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    const grandchild = Number(/grandchild=(\d+)/.exec(text())?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('lets a job with no timeout run to the end', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = 'export async function main() { await new Promise((r) => setTimeout(r, 50)); return "ok"; }';
    const outcome = await executor.run(jobFor(code, { timeoutMs: null }), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: 'ok' });
  });
});
