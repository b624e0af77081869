// Hostile jobs through the whole worker (queue, group settings, generic executor), on both drivers:
// the group's memory cap and default timeout hold, and the worker's environment stays out of reach.
import { confinement } from '@millrace/dedicated-runner';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownEnvironEntries } from './cold/test-support';
import { openWorkerFixture, type WorkerFixture } from './test-support';

describe.each(testDrivers())('hostile jobs on a generic worker on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.settings.setWorkerGroup('hostile', {
      tags: ['hostile'],
      env: { GROUP_VAR: 'g' },
      memoryLimitMb: 256,
      defaultTimeoutMs: 2000,
    });
    const scripts: Record<string, string> = {
      'f/hostile/environ': `import { readdirSync, readFileSync } from 'node:fs';
        export function main() {
          const pids = [process.ppid, ...readdirSync('/proc').filter((e) => /^\\d+$/.test(e))];
          // entries one a line: PostgreSQL's jsonb refuses a NUL in a result
          return pids.map((pid) => { try { return readFileSync('/proc/' + pid + '/environ', 'latin1').replaceAll('\\0', '\\n'); } catch { return ''; } }).join('\\n');
        }`,
      'f/hostile/hog': 'export function main() { return Buffer.alloc(1024 * 1024 * 1024).length; }',
      'f/hostile/endless':
        'export async function main() { await new Promise(() => setInterval(() => {}, 1000)); }',
      'f/hostile/fine': 'export function main() { return "still serving"; }',
      // answers for its wrapper on the IPC channel, with what the wrapper never sends
      'f/hostile/forge':
        "export async function main() { process.send({ type: 'uncaught', error: null }); await new Promise(() => {}); }",
    };
    for (const [path, content] of Object.entries(scripts)) {
      await f.deploy(path, content);
      await f.settings.setScriptSettings(path, { tag: 'hostile', maxAttempts: 1 });
    }
    await f.start({ group: 'hostile' });
  });
  afterAll(() => f.drop());

  it.runIf(confinement().mode === 'pid-namespace')(
    "finds nothing of the worker's environment in any /proc/<pid>/environ it can see",
    async () => {
      const job = await f.finished(await f.queue.push('f/hostile/environ'));
      expect(job.status).toBe('success');
      const seen = job.result as string;
      expect(seen).toContain('GROUP_VAR=g');
      // every entry of this (the worker's) process's own environment, as /proc shows it
      const lines = new Set(seen.split('\n'));
      // (NODE_CHANNEL_* is node's IPC plumbing, in every IPC child's environ: the job's own too)
      const workerEnv = ownEnvironEntries().filter((entry) => !entry.startsWith('NODE_CHANNEL_'));
      expect(workerEnv.length).toBeGreaterThan(0);
      expect(workerEnv.filter((entry) => lines.has(entry))).toEqual([]);
    },
  );

  it("fails a job over the group's memory cap, and serves the next one", async () => {
    const hog = await f.finished(await f.queue.push('f/hostile/hog'));
    expect(hog).toMatchObject({ status: 'failure', error: { name: 'RangeError' } });
    expect((await f.finished(await f.queue.push('f/hostile/fine'))).result).toBe('still serving');
  });

  it('fails a job that forges its answer as a crash, and serves the next one', async () => {
    const job = await f.finished(await f.queue.push('f/hostile/forge'));
    expect(job).toMatchObject({ status: 'failure', error: { reason: 'crash' } });
    expect(job.error?.message).toMatch(/malformed answer/);
    expect((await f.finished(await f.queue.push('f/hostile/fine'))).result).toBe('still serving');
  });

  it("ends a job that sets no timeout at the group's default timeout", async () => {
    const job = await f.finished(await f.queue.push('f/hostile/endless'));
    expect(job).toMatchObject({ status: 'failure', error: { message: 'timed out after 2000 ms' } });
  });
});

describe.each(testDrivers())('hostile jobs on a dedicated worker (process runtime) on %s', (driver) => {
  let f: WorkerFixture;
  const hog = `let calls = 0;
    export async function main(a) {
      calls++;
      if (a.mode === 'hog') return Buffer.alloc(1024 * 1024 * 1024).length;
      if (a.mode === 'endless') await new Promise(() => setInterval(() => {}, 1000));
      // past the wrapper's hooks, onto the protocol's stdout: lines the host must not choke on
      if (a.mode === 'forge') process.getBuiltinModule('node:fs').writeSync(1, 'null\\n{"type":"error","id":1,"error":null}\\n');
      return { calls };
    }`;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.deploy('f/hostile/warm', hog, 'javascript');
    await f.settings.setWorkerGroup('hostile-warm', {
      dedicatedWorker: 'f/hostile/warm',
      memoryLimitMb: 256,
      defaultTimeoutMs: 2000,
    });
    await f.settings.setScriptSettings('f/hostile/warm', { dedicated: true, maxAttempts: 1 });
    await f.start({ group: 'hostile-warm', runtime: 'process' });
  });
  afterAll(() => f.drop());

  it("fails a job over the group's memory cap in a warm process, and serves the next one", async () => {
    const job = await f.finished(await f.queue.push('f/hostile/warm', { mode: 'hog' }));
    expect(job.status).toBe('failure');
    expect((await f.finished(await f.queue.push('f/hostile/warm'))).status).toBe('success');
  });

  it('runs a warm job that writes malformed protocol lines to its stdout, and serves the next one', async () => {
    const job = await f.finished(await f.queue.push('f/hostile/warm', { mode: 'forge' }));
    expect(job.status).toBe('success');
    expect((await f.finished(await f.queue.push('f/hostile/warm'))).status).toBe('success');
  });

  it("ends a warm job that sets no timeout at the group's default timeout", async () => {
    const job = await f.finished(await f.queue.push('f/hostile/warm', { mode: 'endless' }));
    expect(job).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    expect((await f.finished(await f.queue.push('f/hostile/warm'))).status).toBe('success');
  });
});
