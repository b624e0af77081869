// A job that prints, returns or throws text PostgreSQL refuses (NUL, an unpaired UTF-16 surrogate)
// must not freeze its worker: its logs are stored with U+FFFD in place of those characters, an
// unstorable result fails that job alone (result_not_storable), an error is stored sanitized —
// and the next job on the same worker runs, cancel works, and stop() returns a clean report.
// On every runtime: a cold process (generic), a warm thread, a warm process, an in-host handler.
import type { Handler } from '@millrace/dedicated-runner';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from './index';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

// String.raw: the script's source holds the escapes, not the characters themselves
const HOSTILE = String.raw`
export async function main(a) {
  switch (a.mode) {
    case 'log-nul': console.log('before\u0000after'); return 'logged';
    case 'log-lone': console.log('high\ud800 low\udc00'); return 'logged';
    case 'result-nul': return { s: 'x\u0000' };
    case 'result-lone': return ['\ud800'];
    case 'error-nul': throw new Error('bad\u0000thing');
    case 'error-lone': { const e = new Error('lone\ud800'); e.name = 'Odd\udc00Error'; throw e; }
    case 'sleep': console.log('sleeping'); await new Promise((r) => setTimeout(r, 60000)); return 'woke';
    default: return 'healthy';
  }
}`;

const inHost: Handler = async (args, ctx) => {
  const a = args as { mode?: string };
  switch (a.mode) {
    case 'log-nul':
      ctx.log('before\u0000after\n');
      return 'logged';
    case 'log-lone':
      ctx.log('high\ud800 low\udc00\n');
      return 'logged';
    case 'result-nul':
      return { s: 'x\u0000' };
    case 'result-lone':
      return ['\ud800'];
    case 'error-nul':
      throw new Error('bad\u0000thing');
    case 'error-lone': {
      const e = new Error('lone\ud800');
      e.name = 'Odd\udc00Error';
      throw e;
    }
    case 'sleep':
      ctx.log('sleeping\n');
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return 'woke';
    default:
      return 'healthy';
  }
};

const RUNTIMES = ['generic', 'thread', 'process', 'in-host'] as const;
const MODES = ['log-nul', 'log-lone', 'result-nul', 'result-lone', 'error-nul', 'error-lone'];

describe.each(testDrivers())('poison output on %s', (driver) => {
  let f: WorkerFixture;
  const workers = new Map<string, RunningWorker>();
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    for (const runtime of RUNTIMES) {
      const path = `f/poison/${runtime.replace('-', '_')}`;
      await f.deploy(path, HOSTILE, 'javascript');
      if (runtime === 'generic') {
        await f.settings.setScriptSettings(path, { tag: 'poison', maxAttempts: 1 });
        await f.settings.setWorkerGroup('poison-generic', { tags: ['poison'], concurrency: 2 });
      } else {
        await f.settings.setScriptSettings(path, { dedicated: true, maxAttempts: 1 });
        await f.settings.setWorkerGroup(`poison-${runtime}`, { dedicatedWorker: path, concurrency: 2 });
      }
      const worker = await f.start({
        group: `poison-${runtime}`,
        ...(runtime === 'process' ? { runtime: 'process' as const } : {}),
        ...(runtime === 'in-host' ? { handlers: { [path]: inHost } } : {}),
      });
      workers.set(runtime, worker);
    }
  });
  afterAll(() => f.drop());

  describe.each(RUNTIMES)('on the %s runtime', (runtime) => {
    const path = `f/poison/${runtime.replace('-', '_')}`;

    it('stores what it can, fails only what it must, and the worker goes on', async () => {
      const ids = await f.queue.pushMany([...MODES, 'healthy'].map((mode) => ({ path, args: { mode } })));
      const jobs = Object.fromEntries(
        await Promise.all(ids.map(async (id, i) => [MODES[i] ?? 'healthy', await f.finished(id)] as const)),
      );

      expect(jobs['log-nul']).toMatchObject({ status: 'success', result: 'logged' });
      expect(await f.queue.logs(jobs['log-nul'].id)).toBe('before\uFFFDafter\n');
      expect(jobs['log-lone']).toMatchObject({ status: 'success', result: 'logged' });
      expect(await f.queue.logs(jobs['log-lone'].id)).toBe('high\uFFFD low\uFFFD\n');

      for (const mode of ['result-nul', 'result-lone']) {
        expect(jobs[mode]).toMatchObject({
          status: 'failure',
          attempt: 1,
          error: { name: 'ResultNotStorableError', reason: 'result_not_storable' },
        });
      }
      expect(jobs['result-nul'].error?.message).toMatch(/NUL/);
      expect(jobs['result-lone'].error?.message).toMatch(/unpaired UTF-16 surrogate/);

      expect(jobs['error-nul']).toMatchObject({ status: 'failure', error: { message: 'bad\uFFFDthing' } });
      expect(jobs['error-lone']).toMatchObject({
        status: 'failure',
        error: { message: 'lone\uFFFD', name: 'Odd\uFFFDError' },
      });
      expect(jobs.healthy).toMatchObject({ status: 'success', result: 'healthy' });
    });

    it('still cancels, and stops with every job accounted for', async () => {
      const id = await f.queue.push(path, { mode: 'sleep' });
      await waitFor(async () => (await f.queue.logs(id)).includes('sleeping'));
      await f.queue.cancel(id);
      expect((await f.finished(id)).status).toBe('canceled');
      const worker = workers.get(runtime) as RunningWorker;
      expect(worker.status).toMatchObject({ state: 'running', claiming: true, writes: { failing: false } });
      const report = await worker.stop();
      expect(report).toMatchObject({ timedOut: false, unwritten: 0, completionsDropped: 0 });
      expect(worker.status.state).toBe('stopped');
    });
  });
});
