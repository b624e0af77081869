import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, JOB_ID, jobFor, jobIdIn, jobProcesses, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const reportPid = `console.log("pid=" + ${JOB_ID});`;

describe('timeout', () => {
  it('stops a job that runs past timeoutMs and kills its process', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `export async function main() { ${reportPid} await new Promise((r) => setTimeout(r, 60_000)); }`;
    const { ctx, text } = contextFor();
    const running = executor.run(jobFor(code, { timeoutMs: 3000 }), ctx);
    await waitFor(() => text().includes('pid='));
    expect(await running).toEqual({
      status: 'failure',
      error: { message: 'timed out after 3000 ms', reason: 'timeout' },
    });
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('uses SIGKILL after killGraceMs when the script ignores SIGTERM', async () => {
    executor = createColdExecutor({ concurrency: 1, killGraceMs: 200 });
    const code = `export async function main() {
      process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
      ${reportPid}
      await new Promise((r) => setTimeout(r, 60_000));
    }`;
    const { ctx, text } = contextFor();
    const running = executor.run(jobFor(code, { timeoutMs: 3000 }), ctx);
    await waitFor(() => text().includes('pid='));
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    expect(text()).toContain('ignoring SIGTERM');
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('also kills processes the script started', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `import { spawn } from 'node:child_process';
      export async function main() {
        const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
        await new Promise((r) => child.once('spawn', r));
        ${reportPid}
        await new Promise((r) => setTimeout(r, 60_000));
      }`;
    const { ctx, text } = contextFor();
    const running = executor.run(jobFor(code, { timeoutMs: 10_000 }), ctx);
    await waitFor(() => text().includes('pid='));
    expect(jobProcesses(jobIdIn(text())).length).toBeGreaterThanOrEqual(2);
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('lets a job with no timeout run to the end', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = 'export async function main() { await new Promise((r) => setTimeout(r, 50)); return "ok"; }';
    const outcome = await executor.run(jobFor(code, { timeoutMs: null }), contextFor().ctx);
    expect(outcome).toEqual({ status: 'success', result: 'ok' });
  });
});
