// A job that waits for a slot gets its process and loads its script meanwhile (top-level code runs,
// main does not), so it starts the moment the slot frees; it still starts, times out and cancels
// only as a job with a slot does.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import {
  contextFor,
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
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

// Holds its slot until the test creates the release file.
const gated = `import { existsSync } from 'node:fs';
export async function main({ release }) {
  console.log('first running');
  while (!existsSync(release)) await new Promise((r) => setTimeout(r, 5));
  return 'first';
}`;

const loadsThenRuns = `console.log('loaded pid=' + ${JOB_ID});
export function main() { console.log('main'); return 'second'; }`;

/** An executor whose only slot a first job holds until `release()`. */
async function slotHeld(options: Parameters<typeof createColdExecutor>[0] = { concurrency: 1 }) {
  executor = createColdExecutor(options);
  const gate = join(scratchDir(), 'release');
  const first = contextFor();
  const running = executor.run(jobFor(gated, { args: { release: gate } }), first.ctx);
  await waitFor(() => first.text().includes('first running'));
  return { running, release: () => writeFileSync(gate, '') };
}

describe('a job waiting for a slot', () => {
  it('has its script loaded while the slot is busy, and runs main only once it starts', async () => {
    const { running, release } = await slotHeld();
    const second = contextFor();
    const order: string[] = [];
    second.ctx.onStart = () =>
      order.push(`second started after ${second.text().trim().split('\n').length} line(s)`);
    const waiting = executor.run(jobFor(loadsThenRuns), second.ctx);
    await waitFor(() => second.text().includes('loaded'));
    expect(second.text()).not.toContain('main');
    expect(order).toEqual([]);
    release();
    expect(await running).toEqual({ status: 'success', result: 'first' });
    expect(await waiting).toEqual({ status: 'success', result: 'second' });
    expect(order).toEqual(['second started after 1 line(s)']);
    expect(second.text()).toMatch(/^loaded pid=\S+\nmain\n$/);
  });

  it('is canceled with its process while it waits', async () => {
    const { running, release } = await slotHeld();
    const second = contextFor();
    const waiting = executor.run(jobFor(loadsThenRuns), second.ctx);
    await waitFor(() => second.text().includes('loaded'));
    second.controller.abort();
    expect(await waiting).toEqual({ status: 'canceled' });
    expect(jobProcesses(jobIdIn(second.text()))).toEqual([]);
    release();
    expect(await running).toEqual({ status: 'success', result: 'first' });
  });

  it('times out once started when its top-level code never lets main run', async () => {
    const { running, release } = await slotHeld();
    const second = contextFor();
    const hangs = `console.log('loaded pid=' + ${JOB_ID}); while (true);
export function main() { return 'never'; }`;
    const waiting = executor.run(jobFor(hangs, { timeoutMs: 200 }), second.ctx);
    await waitFor(() => second.text().includes('loaded'));
    release();
    expect(await running).toEqual({ status: 'success', result: 'first' });
    expect(await waiting).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    expect(jobProcesses(jobIdIn(second.text()))).toEqual([]);
  });

  it('is turned away with its process when the executor is closed with force', async () => {
    const { running } = await slotHeld();
    const second = contextFor();
    const waiting = executor.run(jobFor(loadsThenRuns), second.ctx);
    await waitFor(() => second.text().includes('loaded'));
    await executor.close({ force: true });
    expect(await waiting).toMatchObject({ status: 'failure', error: { reason: 'runtime_lost' } });
    expect(second.text()).not.toContain('main');
    expect(await running).toMatchObject({ status: 'failure', error: { reason: 'runtime_lost' } });
  });

  it('loads ahead at most one job per slot; later ones wait without a process', async () => {
    const { running, release } = await slotHeld({ concurrency: 1, spares: 3, maxSpares: 3 });
    const second = contextFor();
    const third = contextFor();
    const waiting = [
      executor.run(jobFor(loadsThenRuns), second.ctx),
      executor.run(jobFor(loadsThenRuns), third.ctx),
    ];
    await waitFor(() => second.text().includes('loaded'));
    // Three spares stand ready, yet the third job has not taken one: its script is not loaded.
    await waitFor(() => wrapperPids().length === 5);
    expect(third.text()).toBe('');
    release();
    expect(await running).toEqual({ status: 'success', result: 'first' });
    expect(await Promise.all(waiting)).toEqual([
      { status: 'success', result: 'second' },
      { status: 'success', result: 'second' },
    ]);
  });
});
