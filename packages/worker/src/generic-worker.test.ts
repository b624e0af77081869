import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

describe.each(testDrivers())('generic worker on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.settings.setWorkerGroup('default', { concurrency: 2, env: { GREETING: 'hi' } });
    await f.deploy(
      'f/gen/echo',
      'export function main(args: { n: number }) { console.log("got", args.n); console.error("to stderr"); return { doubled: args.n * 2 }; }',
    );
    await f.deploy('f/gen/counter', 'let calls = 0; export function main() { calls++; return calls; }');
    await f.deploy(
      'f/gen/env',
      'export function main() { return { db: process.env.DATABASE_URL ?? null, greeting: process.env.GREETING ?? null, keys: Object.keys(process.env) }; }',
    );
    await f.deploy('f/gen/throws', 'export function main() { throw new TypeError("nope: " + 42); }');
    await f.deploy(
      'f/gen/sleep',
      'export async function main(args) { console.log("sleeping"); await new Promise((r) => setTimeout(r, args.ms)); return "woke"; }',
    );
    await f.start({ group: 'default' });
  });
  afterAll(() => f.drop());

  it('passes its spare counts to the cold executor (maxSpares below spares is refused)', async () => {
    await expect(f.start({ group: 'default', spares: 2, maxSpares: 1 })).rejects.toMatchObject({
      name: 'InvalidColdExecutorOptionsError',
    });
  });

  it('runs a job in a fresh process and stores its result and logs', async () => {
    const id = await f.queue.push('f/gen/echo', { n: 21 });
    const job = await f.finished(id);
    expect(job).toMatchObject({ status: 'success', result: { doubled: 42 }, attempt: 1 });
    expect(job.worker).toMatch(/^default-/);
    const logs = await f.queue.logs(id);
    expect(logs).toContain('got 21');
    expect(logs.indexOf('got 21')).toBeLessThan(logs.indexOf('to stderr'));
  });

  it('carries no state from one job to the next', async () => {
    const ids = await f.queue.pushMany([1, 2, 3].map(() => ({ path: 'f/gen/counter' })));
    const results = await Promise.all(ids.map(async (id) => (await f.finished(id)).result));
    expect(results).toEqual([1, 1, 1]);
  });

  it("gives the job only its group's env, never the worker's", async () => {
    process.env.DATABASE_URL = 'postgres://secret@nowhere/db';
    try {
      const job = await f.finished(await f.queue.push('f/gen/env'));
      const result = job.result as { db: string | null; greeting: string; keys: string[] };
      expect(result.db).toBeNull();
      expect(result.greeting).toBe('hi');
      expect(result.keys).not.toContain('MILLRACE_TOKEN');
    } finally {
      delete process.env.DATABASE_URL;
    }
  });

  it('fails a job that throws with its message and stack; the worker lives on', async () => {
    const job = await f.finished(await f.queue.push('f/gen/throws'));
    expect(job.status).toBe('failure');
    expect(job.error).toMatchObject({ message: 'nope: 42', name: 'TypeError' });
    expect(job.error?.stack).toContain('main');
    expect((await f.finished(await f.queue.push('f/gen/echo', { n: 1 }))).status).toBe('success');
  });

  it('kills a job that runs past its timeout and says so', async () => {
    const job = await f.finished(await f.queue.push('f/gen/sleep', { ms: 60_000 }, { timeoutMs: 300 }));
    expect(job.status).toBe('failure');
    expect(job.error?.message).toMatch(/timed out after 300 ms/);
  });

  it('cancels a running job: its process is killed and it ends canceled', async () => {
    const id = await f.queue.push('f/gen/sleep', { ms: 60_000 });
    await waitFor(async () => (await f.queue.logs(id)).includes('sleeping'));
    await f.queue.cancel(id);
    expect((await f.finished(id)).status).toBe('canceled');
  });

  it('runs jobs side by side up to the concurrency', async () => {
    const ids = await f.queue.pushMany([1, 2].map(() => ({ path: 'f/gen/sleep', args: { ms: 1500 } })));
    await waitFor(async () =>
      (await Promise.all(ids.map((id) => f.queue.get(id)))).every((j) => j.status === 'running'),
    );
    const jobs = await Promise.all(ids.map((id) => f.finished(id)));
    const [a, b] = jobs.map((j) => [j.startedAt?.getTime() ?? 0, j.completedAt?.getTime() ?? 0]);
    expect(a[0] < b[1] && b[0] < a[1]).toBe(true); // the two runs overlapped
  });
});
