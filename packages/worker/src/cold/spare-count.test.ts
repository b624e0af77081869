import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, isAlive, JOB_ID, jobFor, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
});

/** A node that boots only once `open()` was called: spares stay "still booting" until then. */
function gatedNode() {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-gate-'));
  const gate = join(dir, 'open');
  const nodePath = join(dir, 'node');
  writeFileSync(
    nodePath,
    `#!/bin/sh\nwhile [ ! -e "$GATE" ]; do sleep 0.01; done\nexec ${process.execPath} "$@"\n`,
  );
  chmodSync(dir, 0o755);
  chmodSync(nodePath, 0o755);
  return { nodePath, env: { GATE: gate }, open: () => writeFileSync(gate, '') };
}

async function runWhileSpareBoots(options: { spares: number; maxSpares: number }): Promise<number> {
  const node = gatedNode();
  executor = createColdExecutor({ concurrency: 1, nodePath: node.nodePath, env: node.env, ...options });
  await waitFor(() => wrapperPids().length === options.spares);
  const spares = wrapperPids();
  // The job arrives while every spare is still booting.
  const running = executor.run(
    jobFor(`export function main() { return ${JOB_ID}; }`),
    contextFor(node.env).ctx,
  );
  node.open();
  expect((await running).status).toBe('success');
  // The job ran on the oldest spare; once that one is gone, what is left are the spares kept now.
  await waitFor(() => !isAlive(spares[0] as number));
  return wrapperPids().length;
}

describe('how many spares', () => {
  it('keeps one more spare after a job found every spare still booting', async () => {
    expect(await runWhileSpareBoots({ spares: 1, maxSpares: 3 })).toBe(2);
  });

  it('never keeps more than maxSpares', async () => {
    expect(await runWhileSpareBoots({ spares: 1, maxSpares: 1 })).toBe(1);
  });

  it('rejects maxSpares below spares with a typed error', () => {
    expect(() => createColdExecutor({ concurrency: 1, spares: 2, maxSpares: 1 })).toThrow(
      expect.objectContaining({
        name: 'InvalidColdExecutorOptionsError',
        code: 'invalid_cold_executor_options',
      }),
    );
    executor = createColdExecutor({ concurrency: 1, prestart: false });
  });
});
