// Connection loss and slowness through a TCP proxy between one worker and PostgreSQL: a worker cut
// off mid-job has it reaped and re-run elsewhere, and its late result is refused (fencing);
// heartbeats survive a latency spike.
import { type Db, openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers, waitFor } from '@millrace/testing';
import { type RunningWorker, startWorker } from '@millrace/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from './tcp-proxy.mjs';

const PATH = 'f/net/job';

describe.runIf(testDrivers().includes('postgres'))('network faults', () => {
  let t: TestDb;
  let settings: Settings;
  let queue: Queue;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let slowDb: Db;
  const workers: RunningWorker[] = [];
  const started: { worker: string; id: number }[] = [];
  const ran: { worker: string; id: number }[] = [];

  const handler = (worker: string) => async (args: unknown) => {
    const a = args as { id: number; ms: number };
    started.push({ worker, id: a.id });
    await new Promise((r) => setTimeout(r, a.ms));
    ran.push({ worker, id: a.id });
    return { worker };
  };
  const start = async (db: Db, name: string, staleAfterMs = 1_000) => {
    const w = await startWorker({
      db,
      group: 'net',
      name,
      pollMs: 100,
      handlers: { [PATH]: handler(name) },
      heartbeat: { pingMs: 100, reapEveryMs: 200, staleAfterMs },
      // history upkeep has its own suites; the scheduler loop runs, as in any worker: pings go
      // over a connection of their own, so nothing on the pool can make them late
      maintainHistory: false,
      onError: () => {},
    });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    t = await openTestDb('postgres');
    settings = new Settings(t.db);
    queue = new Queue(t.db, { settings });
    await settings.deployScript({ path: PATH, content: 'export function main() {}', language: 'javascript' });
    await settings.setScriptSettings(PATH, { tag: 'net' });
    await settings.setWorkerGroup('net', { tags: ['net'], concurrency: 4 });
    proxy = await startTcpProxy({ targetPort: Number(new URL(t.url as string).port || 5432) });
    slowDb = await openDb({ url: proxy.url(t.url as string), migrate: false, poolSize: 4 });
  });
  afterAll(async () => {
    proxy.delay(0);
    proxy.cut({ refuseMs: 0 });
    await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 5_000 })));
    await slowDb.close();
    await proxy.close();
    await t.drop();
  });

  it('a worker cut off mid-job cannot overwrite the re-run’s result (fencing)', async () => {
    const cutOff = await start(slowDb, 'cut-off');
    const id = await queue.push(PATH, { id: 1, ms: 2_500 });
    // wait for the script itself to start: the claim's reply must have reached the worker
    await waitFor(() => started.some((r) => r.worker === 'cut-off' && r.id === 1));
    proxy.cut({ refuseMs: 60_000 }); // cut-off can reach nobody now; its pings stop
    // with no ping for 1 s the job is reaped; a healthy worker re-runs it
    await waitFor(async () => (await queue.reapZombies({ staleAfterMs: 1_000 })).requeued.includes(id), {
      message: 'the job is reaped',
      intervalMs: 100,
    });
    await start(t.db, 'healthy');
    const done = await queue.wait(id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ status: 'success', worker: 'healthy', result: { worker: 'healthy' } });

    // the cut-off worker finishes its copy and, once the network is back, reports it: refused
    proxy.cut({ refuseMs: 0 });
    await waitFor(() => ran.some((r) => r.worker === 'cut-off' && r.id === 1), {
      message: 'the stale copy ran',
    });
    await cutOff.stop({ timeoutMs: 10_000 });
    expect(await queue.get(id)).toMatchObject({
      status: 'success',
      worker: 'healthy',
      result: { worker: 'healthy' },
    });
    expect((await queue.attempts(id)).map((a) => [a.status, a.worker])).toEqual([['lost', 'cut-off']]);
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = $1',
      [id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('a connection lost mid-transaction is a DatabaseError, not a crash of the host', async () => {
    proxy.cut({ refuseMs: 0 });
    const attempt = slowDb.transaction(async (tx) => {
      await tx.query('SELECT 1');
      proxy.cut(); // the checked-out client loses its connection between two statements
      await new Promise((r) => setTimeout(r, 100));
      await tx.query('SELECT 2');
    });
    await expect(attempt).rejects.toMatchObject({ code: 'database_error' });
    expect((await slowDb.query<{ n: number }>('SELECT 1 AS n')).rows[0].n).toBe(1);
  });

  it('heartbeats survive a latency spike: no job is reaped from a slow but live worker', async () => {
    proxy.cut({ refuseMs: 0 });
    await Promise.all(workers.splice(0).map((w) => w.stop({ timeoutMs: 5_000 })));
    await start(slowDb, 'slow', 2_000);
    // 300 ms each way makes every round trip ~600 ms: pings are late, never 2 s late
    proxy.delay(300);
    const ids = await queue.pushMany(
      Array.from({ length: 8 }, (_, i) => ({ path: PATH, args: { id: 100 + i, ms: 3_000 } })),
    );
    // an aggressive reaper elsewhere, every 200 ms, with the worker's own threshold
    const reaped: string[] = [];
    const reaper = setInterval(() => {
      void queue.reapZombies({ staleAfterMs: 2_000 }).then((r) => reaped.push(...r.requeued, ...r.failed));
    }, 200);
    try {
      const jobs = await Promise.all(ids.map((id) => queue.wait(id, { timeoutMs: 30_000 })));
      expect(jobs.every((j) => j.status === 'success' && j.worker === 'slow' && j.attempt === 1)).toBe(true);
      expect(reaped).toEqual([]);
    } finally {
      clearInterval(reaper);
      proxy.delay(0);
    }
  });
});
