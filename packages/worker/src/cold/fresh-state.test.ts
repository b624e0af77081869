import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, JOB_ID, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const counter = `let calls = 0;
globalThis.seen = (globalThis.seen ?? 0) + 1;
export function main() { calls++; return { calls, seen: globalThis.seen, pid: ${JOB_ID}, cwd: process.cwd() }; }`;

describe('fresh state', () => {
  it.each([
    ['pre-started', { concurrency: 1, spares: 2 }],
    ['spawned per job', { concurrency: 1, prestart: false }],
  ])('gives every job a new process, module state and temp dir (%s)', async (_mode, options) => {
    executor = createColdExecutor(options);
    const results = [];
    for (let i = 0; i < 4; i++) {
      const outcome = await executor.run(jobFor(counter), contextFor().ctx);
      expect(outcome.status).toBe('success');
      results.push((outcome as { result: { calls: number; seen: number; pid: string; cwd: string } }).result);
    }
    expect(results.map((r) => [r.calls, r.seen])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(new Set(results.map((r) => r.pid)).size).toBe(4);
    expect(new Set(results.map((r) => r.cwd)).size).toBe(4);
  });
});
