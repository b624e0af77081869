import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import {
  contextFor,
  isAlive,
  JOB_ID,
  jobFor,
  jobIdIn,
  jobProcesses,
  scratchDir,
  waitFor,
  wrapperPids,
} from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close({ force: true });
  expect(wrapperPids()).toEqual([]);
});

const gated = `import { existsSync } from 'node:fs';
export async function main({ release }) {
  console.log('pid=' + ${JOB_ID});
  while (!existsSync(release)) await new Promise((r) => setTimeout(r, 5));
  return 'finished';
}`;
const releaseFile = () => join(scratchDir(), 'release');

describe('close', () => {
  it('stops every spare', async () => {
    executor = createColdExecutor({ concurrency: 2, spares: 3 });
    await waitFor(() => wrapperPids().length === 3);
    const spares = wrapperPids();
    await executor.close();
    expect(spares.filter(isAlive)).toEqual([]);
  });

  it('stops spares that are still starting', async () => {
    executor = createColdExecutor({ concurrency: 2, spares: 2 });
    const starting = wrapperPids();
    await executor.close();
    expect(starting.filter(isAlive)).toEqual([]);
    expect(wrapperPids()).toEqual([]);
  });

  it('waits for in-flight jobs to finish', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const release = releaseFile();
    const { ctx, text } = contextFor();
    const running = executor.run(jobFor(gated, { args: { release } }), ctx);
    await waitFor(() => text().includes('pid='));
    let closed = false;
    const closing = executor.close().then(() => {
      closed = true;
    });
    expect(closed).toBe(false);
    writeFileSync(release, '');
    expect(await running).toEqual({ status: 'success', result: 'finished' });
    await closing;
    expect(jobProcesses(jobIdIn(text()))).toEqual([]);
  });

  it('kills in-flight jobs and turns away queued ones with force', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const first = contextFor();
    const running = executor.run(jobFor(gated, { args: { release: releaseFile() } }), first.ctx);
    const queued = executor.run(jobFor('export function main() { return 1; }'), contextFor().ctx);
    await waitFor(() => first.text().includes('pid='));
    await executor.close({ force: true });
    expect(await running).toMatchObject({ status: 'failure', error: { reason: 'runtime_lost' } });
    expect(await queued).toMatchObject({ status: 'failure', error: { reason: 'runtime_lost' } });
    expect(jobProcesses(jobIdIn(first.text()))).toEqual([]);
  });

  it('answers a job submitted after close with a failure instead of rejecting', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    await executor.close();
    const outcome = await executor.run(jobFor('export function main() { return 1; }'), contextFor().ctx);
    expect(outcome).toEqual({
      status: 'failure',
      error: { message: 'executor is closed', reason: 'runtime_lost' },
    });
  });
});
