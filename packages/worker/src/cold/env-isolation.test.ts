import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor } from '../executor';
import { createColdExecutor } from './index';
import { contextFor, jobFor, waitFor, wrapperPids } from './test-support';

let executor: Executor;
afterEach(async () => {
  await executor.close();
  expect(wrapperPids()).toEqual([]);
  delete process.env.DATABASE_URL;
  delete process.env.MILLRACE_TOKEN;
});

const dumpEnv = `import { existsSync } from 'node:fs';
export function main() { return { env: { ...process.env }, cwd: process.cwd(), cwdExists: existsSync(process.cwd()) }; }`;

describe('env isolation', () => {
  it('gives the job only its env, a minimal PATH, and HOME/TMPDIR in its own temp dir', async () => {
    process.env.DATABASE_URL = 'postgres://secret';
    process.env.MILLRACE_TOKEN = 'server-secret';
    executor = createColdExecutor({ concurrency: 1, env: { GROUP_VAR: 'g' } });
    const outcome = await executor.run(jobFor(dumpEnv), contextFor({ GROUP_VAR: 'g' }).ctx);
    expect(outcome.status).toBe('success');
    const { env, cwd } = (outcome as { result: { env: Record<string, string>; cwd: string } }).result;
    expect(Object.keys(env).sort()).toEqual(['GROUP_VAR', 'HOME', 'PATH', 'TMPDIR']);
    expect(env.GROUP_VAR).toBe('g');
    expect(env.HOME).toBe(cwd);
    expect(env.TMPDIR).toBe(cwd);
  });

  it('starts a fresh process when the job env differs from the spares env', async () => {
    executor = createColdExecutor({ concurrency: 1, spares: 1, env: { STAGE: 'old' } });
    const outcome = await executor.run(jobFor(dumpEnv), contextFor({ STAGE: 'new' }).ctx);
    expect(outcome).toMatchObject({ status: 'success', result: { env: { STAGE: 'new' } } });
    // The next job with the new env is served by a spare started with it.
    const again = await executor.run(jobFor(dumpEnv), contextFor({ STAGE: 'new' }).ctx);
    expect(again).toMatchObject({ status: 'success', result: { env: { STAGE: 'new' } } });
  });

  it('runs the job in a temp dir that is removed afterwards', async () => {
    executor = createColdExecutor({ concurrency: 1 });
    const code = `import { writeFileSync } from 'node:fs';
      export function main() { writeFileSync('left-behind.txt', 'x'); return process.cwd(); }`;
    const outcome = await executor.run(jobFor(code), contextFor().ctx);
    expect(outcome.status).toBe('success');
    // Removed once node has exited, which may be just after the outcome.
    await waitFor(() => !existsSync((outcome as { result: string }).result));
  });
});
