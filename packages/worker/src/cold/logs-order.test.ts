import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

describe('logs', () => {
  it('delivers stdout and stderr in the order the script wrote them', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `export function main() {
      for (let i = 0; i < 200; i++) (i % 2 ? console.error : console.log)('line ' + i);
      process.stdout.write('no newline');
      return 'done';
    }`;
    const { ctx, text } = contextFor();
    const outcome = await executor.run(jobFor(code), ctx);
    expect(outcome).toEqual({ status: 'success', result: 'done' });
    const expected = `${Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join('')}no newline`;
    expect(text()).toBe(expected);
  });

  it('streams logs while the job is still running', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    // The script waits until the host has seen its first line, proven by the host canceling it.
    const code = `export async function main() {
      console.log('first');
      await new Promise(() => setInterval(() => {}, 1000));
    }`;
    const { ctx, text, controller } = contextFor();
    const running = executor.run(jobFor(code), ctx);
    await waitFor(() => text().includes('first\n'));
    controller.abort();
    expect(await running).toEqual({ status: 'canceled' });
  });

  it('keeps multi-byte characters whole', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `export function main() { for (let i = 0; i < 3000; i++) process.stdout.write('é€😀'); }`;
    const { ctx, text } = contextFor();
    await executor.run(jobFor(code), ctx);
    // Compared as a boolean: a failure would otherwise print 27 KB twice.
    expect(text().length).toBe('é€😀'.repeat(3000).length);
    expect(text() === 'é€😀'.repeat(3000)).toBe(true);
  });

  it('drops output past maxLogBytes with one note, and still completes', async () => {
    executor = createColdExecutor({ concurrency: 1, maxLogBytes: 1000 });
    const code = `export function main() {
      for (let i = 0; i < 10000; i++) console.log('0123456789');
      return 'finished';
    }`;
    const { ctx, text } = contextFor();
    const outcome = await executor.run(jobFor(code), ctx);
    expect(outcome).toEqual({ status: 'success', result: 'finished' });
    const note = '\n[millrace] log output truncated after 1000 bytes\n';
    expect(text()).toBe('0123456789\n'.repeat(100).slice(0, 1000) + note);
  });

  it('survives a log consumer that throws', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const { ctx } = contextFor();
    ctx.onLog = () => {
      throw new Error('consumer broke');
    };
    const outcome = await executor.run(jobFor('export function main() { console.log("x"); return 1; }'), ctx);
    expect(outcome).toEqual({ status: 'success', result: 1 });
  });
});
