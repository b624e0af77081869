// Hostile scripts on a dedicated worker (warm thread runtime) and a generic one (cold process):
// each job ends with a clear reason, the worker lives on and serves the next job, logs are capped.
import type { Job } from '@millrace/queue';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { type RunningWorker, startWorker } from '@millrace/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOSTILE = `
const kept = [];
export async function main(args) {
  switch (args.fault) {
    case 'leak': for (;;) kept.push(new Array(1_000_000).fill(Math.random()));
    case 'spin': for (;;) {}
    case 'exit': process.exit(3);
    case 'logs': {
      const line = 'x'.repeat(1023);
      for (let i = 0; i < 100 * 1024; i++) console.log(line);
      return 'logged';
    }
    default: return 'healthy';
  }
}`;

const MIB = 1024 * 1024;

describe.runIf(testDrivers().includes('postgres'))('runtime faults', () => {
  let t: TestDb;
  let queue: Queue;
  const workers: RunningWorker[] = [];
  const run = async (path: string, args: Record<string, unknown>, timeoutMs?: number): Promise<Job> => {
    const id = await queue.push(path, args, timeoutMs ? { timeoutMs } : {});
    return queue.wait(id, { timeoutMs: 60_000 });
  };

  beforeAll(async () => {
    t = await openTestDb('postgres');
    const settings = new Settings(t.db);
    queue = new Queue(t.db, { settings });
    for (const path of ['f/fault/warm', 'f/fault/cold'])
      await settings.deployScript({ path, content: HOSTILE, language: 'javascript' });
    await settings.setScriptSettings('f/fault/warm', { dedicated: true });
    await settings.setScriptSettings('f/fault/cold', { tag: 'fault-cold' });
    await settings.setWorkerGroup('fault-warm', { dedicatedWorker: 'f/fault/warm', concurrency: 2 });
    await settings.setWorkerGroup('fault-cold', { tags: ['fault-cold'], concurrency: 2 });
    for (const group of ['fault-warm', 'fault-cold'])
      workers.push(
        await startWorker({
          db: t.db,
          queue,
          settings,
          group,
          pollMs: 200,
          heartbeat: { pingMs: 200 },
          onError: () => {},
        }),
      );
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop({ timeoutMs: 5_000 })));
    await t.drop();
  });

  describe.each([
    ['dedicated', 'f/fault/warm'],
    ['generic', 'f/fault/cold'],
  ])('on a %s worker', (kind, path) => {
    it('blocking the event loop forever ends in a timeout; the worker goes on', async () => {
      const job = await run(path, { fault: 'spin' }, 1_000);
      expect(job).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
      expect((await run(path, {})).result).toBe('healthy');
    });

    it('process.exit ends the job as a crash with the exit code; the worker goes on', async () => {
      const job = await run(path, { fault: 'exit' });
      expect(job.status).toBe('failure');
      // the warm thread reports a crash; a cold process that exits reports no result (both name the code)
      expect(job.error?.reason).toBe(kind === 'dedicated' ? 'crash' : 'no_result');
      expect(job.error?.message).toMatch(/code 3/);
      expect((await run(path, {})).result).toBe('healthy');
    });

    it('100 MB of logs are capped with a note (10 MiB warm, 5 MiB cold); the job still succeeds', async () => {
      const cap = kind === 'dedicated' ? 10 * MIB : 5 * MIB;
      const job = await run(path, { fault: 'logs' });
      expect(job).toMatchObject({ status: 'success', result: 'logged' });
      const logs = await queue.logs(job.id);
      expect(logs.length).toBeLessThanOrEqual(cap + 200);
      expect(logs.length).toBeGreaterThan(cap - 64 * 1024);
      expect(logs).toMatch(/\[millrace\] log output truncated after \d+ bytes\n$/);
      expect((await run(path, {})).result).toBe('healthy');
    }, 120_000);

    it.runIf(kind === 'dedicated')(
      'a memory leak kills the thread: the job fails out of memory; the worker goes on',
      async () => {
        const job = await run(path, { fault: 'leak' });
        expect(job.status).toBe('failure');
        expect(job.error?.reason).toBe('crash');
        expect(job.error?.message).toMatch(/out of memory/);
        expect((await run(path, {})).result).toBe('healthy');
      },
      120_000,
    );
  });
});
