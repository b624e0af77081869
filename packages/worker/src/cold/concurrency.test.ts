import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, waitFor, wrapperPids } from './test-support';

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
    const release = join(mkdtempSync(join(tmpdir(), 'millrace-test-')), 'release');
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
});
