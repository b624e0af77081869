// A job waiting for a slot imports its script only once every job told to start has begun its
// main (start-gate.ts): the import must not take the CPU a starting job needs.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { StartGate } from './start-gate';
import { contextFor, jobFor, scratchDir, wrapperPids } from './test-support';

describe('StartGate', () => {
  it('is calm with no start under way', async () => {
    await expect(new StartGate().calm()).resolves.toBeUndefined();
  });

  it('is calm once every start handed out so far has begun, not before', async () => {
    const gate = new StartGate();
    let begin: () => void = () => {};
    gate.starting(new Promise<void>((resolve) => (begin = resolve)));
    let calm = false;
    gate.calm().then(() => (calm = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calm).toBe(false);
    begin();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calm).toBe(true);
  });
});

describe('a job waiting for a slot while another starts', () => {
  let executor: Executor;
  afterEach(async () => {
    await executor.close();
    expect(wrapperPids()).toEqual([]);
  });

  it('loads its script only after that job has begun its main', async () => {
    const marker = join(scratchDir(), 'second-began');
    executor = createColdExecutor({ concurrency: 1 });
    // the second job's top-level code takes 500 ms, so it begins its main that long after its start
    const slowToBegin = `import { writeFileSync } from 'node:fs';
await new Promise((r) => setTimeout(r, 500));
export function main({ marker }) { writeFileSync(marker, ''); return 'second'; }`;
    const looksForMarker = `import { existsSync } from 'node:fs';
const sawSecondBegin = existsSync(${JSON.stringify(marker)});
export function main() { return { sawSecondBegin }; }`;
    const first = executor.run(jobFor('export function main() { return "first"; }'), contextFor().ctx);
    const second = executor.run(jobFor(slowToBegin, { args: { marker } }), contextFor().ctx);
    expect(await first).toEqual({ status: 'success', result: 'first' });
    // handed over the moment the first job ends, as a worker does: it waits for the slot the
    // second job now holds, and would import at once without the gate
    const third = executor.run(jobFor(looksForMarker), contextFor().ctx);
    expect(await second).toEqual({ status: 'success', result: 'second' });
    expect(await third).toEqual({ status: 'success', result: { sawSecondBegin: true } });
  });

  it('does not wait for a job whose top-level code never lets its main begin, once it has a slot', async () => {
    executor = createColdExecutor({ concurrency: 2 });
    const neverBegins = contextFor();
    const hanging = executor.run(
      jobFor('await new Promise(() => setInterval(() => {}, 1000));\nexport function main() {}', {
        timeoutMs: 60_000,
      }),
      neverBegins.ctx,
    );
    const other = executor.run(jobFor('export function main() { return "other"; }'), contextFor().ctx);
    // waits for a slot, behind a start that never begins
    const waiting = executor.run(jobFor('export function main() { return "waiting"; }'), contextFor().ctx);
    expect(await other).toEqual({ status: 'success', result: 'other' });
    expect(await waiting).toEqual({ status: 'success', result: 'waiting' });
    neverBegins.controller.abort();
    expect(await hanging).toEqual({ status: 'canceled' });
  });
});
