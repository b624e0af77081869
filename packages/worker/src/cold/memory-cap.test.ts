// Hostile jobs that eat memory: RLIMIT_DATA caps every allocation (heap, buffers, native), not only
// V8's old generation.
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { GenericExecutor } from '../generic-executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

const GiB = 1024 * 1024 * 1024;
// Allocated lazily (zero pages): without a cap these succeed without using the memory.
const bigBuffer = (bytes: number) => `export function main() { return Buffer.alloc(${bytes}).length; }`;

describe('memory cap', () => {
  it('fails a job whose allocation goes over the memory cap', async () => {
    executor = createColdExecutor({ concurrency: 1, memoryLimitMb: 256 });
    const outcome = await executor.run(jobFor(bigBuffer(GiB / 2)), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { name: 'RangeError', reason: 'thrown' } });
  });

  it('caps a job at 1024 MiB by default', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const outcome = await executor.run(jobFor(bigBuffer(2 * GiB - 1)), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { name: 'RangeError' } });
    const small = await executor.run(jobFor(bigBuffer(64 * 1024 * 1024)), contextFor().ctx);
    expect(small).toEqual({ status: 'success', result: 64 * 1024 * 1024 });
  });

  it('fails a job whose heap grows past the cap, saying it may have hit it', async () => {
    executor = createColdExecutor({ concurrency: 1, memoryLimitMb: 256 });
    const code =
      'export function main() { const keep = []; for (;;) keep.push({ n: keep.length, s: "x" + keep.length }); }';
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { reason: 'crash' } });
    expect(outcome.status === 'failure' && outcome.error.message).toMatch(/memory cap of 256 MiB/);
  });

  it('caps a generic Python job too', async () => {
    executor = new GenericExecutor({ concurrency: 1, env: {}, memoryLimitMb: 256 });
    const code = 'def main(args):\n    return len(bytearray(512 * 1024 * 1024))\n';
    const outcome = await executor.run(jobFor(code, { language: 'python' }), contextFor().ctx);
    expect(outcome).toMatchObject({ status: 'failure', error: { name: 'MemoryError' } });
  });
});
