// stop({ timeoutMs }) shorter than the jobs: nothing is left `running` for the reaper. The job that
// never started (handed ahead into a runtime, or prefetched) goes back at once, attempt not
// counted; the in-flight jobs have their signal aborted and go back as a lost attempt
// (`worker_stopped`); another worker runs every job exactly once more. The fixture's workers never
// reap (reapEveryMs 0), so a job left running would never finish.
// Jobs run until the test opens their gate (a file), never on a timer: on a loaded machine a timer
// could end a job before the stop, and the rerun after it costs no wait.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handler } from '@millrace/dedicated-runner';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

const GATED = `import { existsSync } from 'node:fs';
export async function main(a) {
  console.log('started ' + a.i);
  while (!existsSync(a.gate)) await new Promise((r) => setTimeout(r, 10));
  return a.i;
}`;

const RUNTIMES = ['generic', 'thread', 'process', 'in-host'] as const;

describe.each(testDrivers())('stop past its timeout on %s', (driver) => {
  let f: WorkerFixture;
  /** in-host handler calls: which job, and whether its signal was aborted when it ended */
  const calls: { i: number; aborted: boolean }[] = [];
  const gated: Handler = async (args, ctx) => {
    const a = args as { i: number; gate: string };
    ctx.log(`started ${a.i}\n`);
    while (!existsSync(a.gate) && !ctx.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10);
        const abort = () => {
          clearTimeout(timer);
          resolve();
        };
        ctx.signal.addEventListener('abort', abort, { once: true });
      });
    }
    calls.push({ i: a.i, aborted: ctx.signal.aborted });
    return a.i;
  };

  const gates = mkdtempSync(join(tmpdir(), 'millrace-stop-'));

  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    for (const runtime of RUNTIMES) {
      const path = `f/stop/${runtime.replace('-', '_')}`;
      await f.deploy(path, GATED, 'javascript');
      if (runtime === 'generic') {
        await f.settings.setScriptSettings(path, { tag: 'stop-generic', maxAttempts: 1 });
        await f.settings.setWorkerGroup('stop-generic', { tags: ['stop-generic'], concurrency: 2 });
      } else {
        await f.settings.setScriptSettings(path, { dedicated: true, maxAttempts: 1 });
        await f.settings.setWorkerGroup(`stop-${runtime}`, { dedicatedWorker: path, concurrency: 2 });
      }
    }
  });
  afterAll(async () => {
    await f.drop();
    rmSync(gates, { recursive: true, force: true });
  });

  it.each(RUNTIMES)('on the %s runtime', async (runtime) => {
    const path = `f/stop/${runtime.replace('-', '_')}`;
    const options = {
      group: `stop-${runtime}`,
      ...(runtime === 'process' ? { runtime: 'process' as const } : {}),
      ...(runtime === 'in-host' ? { handlers: { [path]: gated } } : {}),
    };
    const worker = await f.start(options);
    calls.length = 0;
    // two run, the third waits: handed ahead into the warm runtime, or prefetched by the generic worker
    const gate = join(gates, runtime);
    const ids = await f.queue.pushMany([0, 1, 2].map((i) => ({ path, args: { i, gate } })));
    const logs = () => Promise.all(ids.map((id) => f.queue.logs(id)));
    await waitFor(async () => (await logs()).filter((l) => l.includes('started')).length === 2);
    const held = await Promise.all(ids.map((id) => f.queue.get(id)));
    expect(held.every((j) => j.status === 'running' && j.worker === worker.name)).toBe(true);

    const report = await worker.stop({ timeoutMs: 1_000 });

    expect(report).toEqual({
      timedOut: true,
      abandoned: 2,
      released: 1,
      unwritten: 0,
      completionsDropped: 0,
    });
    const startedIds = (await logs()).flatMap((l, k) => (l.includes('started') ? [ids[k]] : []));
    expect(startedIds).toHaveLength(2);
    const waitingId = ids.find((id) => !startedIds.includes(id)) as string;
    for (const id of ids) {
      const job = await f.queue.get(id);
      expect(job.status).toBe('queued'); // back in line at once, nothing left for the reaper
      const attempts = await f.queue.attempts(id);
      if (id === waitingId) expect(attempts).toEqual([]);
      else
        expect(attempts).toMatchObject([
          { attempt: 1, status: 'lost', worker: worker.name, error: { reason: 'worker_stopped' } },
        ]);
    }
    if (runtime === 'in-host') {
      // the handlers' signal was aborted; the job that never started never ran
      expect(calls.map((c) => c.i).sort()).toEqual(startedIds.map((id) => ids.indexOf(id)).sort());
      expect(calls.every((c) => c.aborted)).toBe(true);
    }

    // another worker runs each of them once more, to the end
    writeFileSync(gate, '');
    await f.start({ ...options, concurrency: 3 });
    const jobs = await Promise.all(ids.map((id) => f.finished(id)));
    expect(jobs.map((j) => [j.status, j.result, j.attempt])).toEqual(
      ids.map((id, i) => ['success', i, id === waitingId ? 1 : 2]),
    );
  });
});
