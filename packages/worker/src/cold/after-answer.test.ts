// An answered job process is frozen at once and killed a little later (cold-process.ts, PARK_MS),
// so that its teardown does not land on the next job's start. Nothing of the job may run meanwhile.
import { statSync } from 'node:fs';
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

// main leaves something behind that appends to a file every millisecond, forever
const appendsForever =
  "const { appendFileSync } = require('node:fs'); setInterval(() => appendFileSync(process.argv.at(-1), 'x'), 1);";
const leftRunning = (start: string) => `import { Worker } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
export async function main({ file }) {
  ${start}
  while (!existsSync(file) || statSync(file).size < 5) await new Promise((r) => setTimeout(r, 5));
  return 'left it running';
}`;

describe('after its answer', () => {
  it.each([
    ['a thread', `new Worker(${JSON.stringify(appendsForever)}, { eval: true, argv: [file] });`],
    [
      'a child process',
      `spawn(process.execPath, ['-e', ${JSON.stringify(appendsForever)}, file], { stdio: 'ignore' });`,
    ],
  ])(
    'runs nothing of the job: %s it left running is frozen, then the process is gone',
    async (_kind, start) => {
      const file = join(scratchDir(), 'ticks');
      executor = createColdExecutor({ concurrency: 1, prestart: false });
      const outcome = await executor.run(jobFor(leftRunning(start), { args: { file } }), contextFor().ctx);
      expect(outcome).toEqual({ status: 'success', result: 'left it running' });
      // a write already inside the kernel when the job was frozen may still land: look after it
      await new Promise((resolve) => setTimeout(resolve, 20));
      const frozenAt = statSync(file).size;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(statSync(file).size).toBe(frozenAt);
      // killed by the executor after the park, without waiting for close()
      await waitFor(() => wrapperPids().length === 0);
    },
  );
});
