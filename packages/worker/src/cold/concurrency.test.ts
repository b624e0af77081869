import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, scratchDir, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

// Each job reports its start, then waits until the test creates the release file.
const gated = `import { existsSync } from 'node:fs';
export async function main({ release }) {
  const start = Date.now();
  console.log('started');
  while (!existsSync(release)) await new Promise((r) => setTimeout(r, 5));
  return { start, end: Date.now() };
}`;

describe('concurrency', () => {
  it('runs up to `concurrency` jobs at once and queues the rest', async () => {
    executor = createColdExecutor({ concurrency: 2 });
    const release = join(scratchDir(), 'release');
    const contexts = [contextFor(), contextFor(), contextFor()];
    const runs = contexts.map((c) => executor.run(jobFor(gated, { args: { release } }), c.ctx));
    await waitFor(() => contexts.filter((c) => c.text().includes('started')).length >= 2);
    // Two run in parallel; the third has not started while both hold their slots.
    expect(contexts[2]?.text()).toBe('');
    writeFileSync(release, '');
    const outcomes = await Promise.all(runs);
    const spans = outcomes.map((o) => (o as { result: { start: number; end: number } }).result);
    const [a, b, c] = spans as [
      { start: number; end: number },
      { start: number; end: number },
      { start: number },
    ];
    expect(c.start).toBeGreaterThanOrEqual(Math.min(a.end, b.end));
  });

  it('prints no listener warning in the host at concurrency 10 (one listener per running job)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      executor = createColdExecutor({ concurrency: 10, prestart: false });
      const release = join(scratchDir(), 'release');
      const contexts = Array.from({ length: 12 }, () => contextFor());
      const runs = contexts.map((c) => executor.run(jobFor(gated, { args: { release } }), c.ctx));
      await waitFor(() => contexts.filter((c) => c.text().includes('started')).length >= 10);
      writeFileSync(release, '');
      const outcomes = await Promise.all(runs);
      expect(outcomes.every((o) => o.status === 'success')).toBe(true);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
