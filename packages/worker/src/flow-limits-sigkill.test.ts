import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openWorkerFixture,
  spawnWorkerProcess as spawnWorker,
  type WorkerFixture,
  waitFor,
} from './test-support';

/** The most jobs that held a slot at one instant, from the jobs' own start and end times. */
function mostAtOnce(spans: { start: number; end: number }[]): number {
  // at one instant an end comes before a start: a job records a start no earlier than the end of
  // the job whose slot it took (the claim reads the clock after it sees that end)
  const events = spans.flatMap((s) => [
    { t: s.start, d: 1 },
    { t: s.end, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of events) {
    now += e.d;
    most = Math.max(most, now);
  }
  return most;
}

// Workers in other processes and real lock contention: PostgreSQL only.
describe.runIf(testDrivers().includes('postgres'))(
  'a concurrency limit under 8 claimers and SIGKILLed workers',
  () => {
    let f: WorkerFixture;
    beforeAll(async () => {
      f = await openWorkerFixture('postgres');
      await f.deploy(
        'f/flow/held',
        'export async function main() { await new Promise((r) => setTimeout(r, 200)); return 1; }',
      );
      await f.settings.setScriptSettings('f/flow/held', { maxRunning: 2 });
    });
    afterAll(() => f.drop());

    it('never has more than 2 running, counted from start and end times; every job ends once', async () => {
      const total = 80;
      const doomed = spawnWorker(f.url as string, 'doomed');
      const survivor = spawnWorker(f.url as string, 'survivor');
      const claimersDone = { stop: false };
      const claimers: Promise<void>[] = [];
      let reaper: NodeJS.Timeout | undefined;
      try {
        await Promise.all([doomed.ready, survivor.ready]);
        const ids = await f.queue.pushMany(
          Array.from({ length: total }, (_, i) => ({ path: 'f/flow/held', args: { i } })),
        );
        // the doomed worker holds a slot when it dies
        await waitFor(async () => (await f.queue.list({ status: 'running', worker: 'doomed' })).length > 0, {
          timeoutMs: 60_000,
        });

        for (let c = 0; c < 8; c++) {
          claimers.push(
            (async () => {
              const db = await openDb({ url: f.url, poolSize: 1, migrate: false });
              const queue = new Queue(db);
              try {
                while (!claimersDone.stop) {
                  const jobs = await queue.claim(`claimer-${c}`, ['node'], 2);
                  if (jobs.length === 0) {
                    await new Promise((r) => setTimeout(r, 5));
                    continue;
                  }
                  await new Promise((r) => setTimeout(r, Math.random() * 30));
                  await queue.complete(
                    jobs.map((j) => ({ id: j.id, token: j.token, status: 'success' as const, result: c })),
                  );
                }
              } finally {
                await db.close();
              }
            })(),
          );
        }
        doomed.child.kill('SIGKILL');
        await doomed.exited;
        reaper = setInterval(() => void f.queue.reapZombies({ staleAfterMs: 1_000 }).catch(() => {}), 250);

        await waitFor(
          async () => {
            const { rows } = await f.db.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM millrace.job_queue',
            );
            return rows[0].n === 0;
          },
          { timeoutMs: 120_000, intervalMs: 200 },
        );
        claimersDone.stop = true;
        await Promise.all(claimers);

        const { rows: ended } = await f.db.query<{ id: string; n: number }>(
          'SELECT id::text, count(*)::int AS n FROM millrace.job_completed GROUP BY id',
        );
        expect(ended.map((r) => r.id).sort()).toEqual([...ids].sort());
        expect(ended.every((r) => r.n === 1)).toBe(true);

        const { rows: spans } = await f.db.query<{
          start: number;
          end: number;
          lost: boolean;
          worker: string;
        }>(`
        SELECT date_part('epoch', started_at) * 1000 AS start, date_part('epoch', completed_at) * 1000 AS end,
               false AS lost, worker FROM millrace.job_completed
        UNION ALL
        SELECT date_part('epoch', started_at) * 1000, date_part('epoch', ended_at) * 1000, status = 'lost', worker
        FROM millrace.job_attempts`);
        // the killed worker's job was reaped: its lost attempt held a slot until then
        expect(spans.some((s) => s.lost && s.worker === 'doomed')).toBe(true);
        // both kinds of claimer ran jobs
        expect(spans.some((s) => s.worker === 'survivor')).toBe(true);
        expect(spans.some((s) => s.worker.startsWith('claimer-'))).toBe(true);
        expect(mostAtOnce(spans.map((s) => ({ start: Number(s.start), end: Number(s.end) })))).toBe(2);
      } finally {
        claimersDone.stop = true;
        if (reaper) clearInterval(reaper);
        await Promise.all(claimers).catch(() => {});
        doomed.child.kill('SIGKILL');
        survivor.child.kill('SIGTERM');
        await Promise.all([doomed.exited, survivor.exited]);
        await Promise.all([doomed.ready, survivor.ready]).catch(() => {});
      }
    }, 180_000);
  },
);
