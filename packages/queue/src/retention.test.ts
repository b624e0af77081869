import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from './index';
import { drain, openQueueFixture, type QueueFixture } from './test-support';

const DAY = 86_400_000;

describe.each(testDrivers())('history retention on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { retentionMs: 30 * DAY });
  });
  afterAll(() => f.drop());

  /** Rows of every history table per job id, to see exactly what is left. */
  async function rowsOf(ids: string[]) {
    const { rows } = await f.db.query<{
      id: string;
      jobs: number;
      completed: number;
      logs: number;
      attempts: number;
    }>(
      `SELECT i::text AS id,
              (SELECT count(*) FROM millrace.jobs WHERE id = i)::int AS jobs,
              (SELECT count(*) FROM millrace.job_completed WHERE id = i)::int AS completed,
              (SELECT count(*) FROM millrace.job_logs WHERE job_id = i)::int AS logs,
              (SELECT count(*) FROM millrace.job_attempts WHERE job_id = i)::int AS attempts
       FROM unnest($1::bigint[]) AS i ORDER BY i`,
      [ids],
    );
    return Object.fromEntries(rows.map((r) => [r.id, [r.jobs, r.completed, r.logs, r.attempts]]));
  }
  const finishedDaysAgo = (ids: string[], days: number) =>
    f.db.query(
      `UPDATE millrace.job_completed SET completed_at = now() - make_interval(days => $2) WHERE id = ANY($1::bigint[])`,
      [ids, days],
    );
  const sealedDaysAgo = (days: number) =>
    f.db.query(
      `UPDATE millrace.history_ranges SET sealed_at = now() - make_interval(days => $1) WHERE sealed_at IS NOT NULL`,
      [days],
    );
  const ranges = async () =>
    (await f.db.query<{ n: number }>('SELECT n FROM millrace.history_ranges ORDER BY n')).rows.map(
      (r) => r.n,
    );
  const partitions = async () =>
    (
      await f.db.query<{ relname: string }>(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'jobs' ORDER BY c.relname`,
      )
    ).rows.map((r) => r.relname);

  it('removes old finished jobs with their logs and attempts, keeps live and recent ones, then drops the range', async () => {
    // range 1: finished long ago (one after a retry, with logs), one still queued, one finished lately
    const [oldA, oldB, queued, recent] = await f.queue.pushMany([
      { path: 'f/test/noop', tag: 'r1', maxAttempts: 2 },
      { path: 'f/test/noop', tag: 'r1' },
      { path: 'f/test/noop', tag: 'r1-later' },
      { path: 'f/test/noop', tag: 'r1' },
    ]);
    const [first] = await f.queue.claim('w', ['r1'], 1);
    await f.queue.appendLogs([{ id: first.id, attempt: 1, seq: 0, text: 'try 1\n' }]);
    await f.queue.complete([
      { id: first.id, token: first.token, status: 'failure', error: { message: 'x' } },
    ]);
    await f.db.query('UPDATE millrace.job_queue SET scheduled_for = now() WHERE id = $1', [first.id]);
    await drain(f.queue, ['r1']);
    await f.queue.appendLogs([{ id: oldB, attempt: 1, seq: 0, text: 'done\n' }]);
    expect(await rowsOf([oldA, oldB])).toEqual({ [oldA]: [1, 1, 1, 1], [oldB]: [1, 1, 1, 0] });

    // range 2 starts; its job finished now
    await f.queue.history.startNewRange();
    const [fresh] = await f.queue.pushMany([{ path: 'f/test/noop', tag: 'r1' }]);
    expect(BigInt(fresh)).toBeGreaterThan(BigInt(recent));
    await drain(f.queue, ['r1']);
    expect(await ranges()).toEqual([1, 2]);

    await finishedDaysAgo([oldA, oldB], 31);
    await finishedDaysAgo([recent], 29);
    await sealedDaysAgo(31);
    const report = await f.queue.history.maintain();
    expect(report).toMatchObject({ ran: true, rangesDropped: 0, jobsPurged: 2 });
    expect(await rowsOf([oldA, oldB, queued, recent, fresh])).toEqual({
      [oldA]: [0, 0, 0, 0],
      [oldB]: [0, 0, 0, 0],
      [queued]: [1, 0, 0, 0],
      [recent]: [1, 1, 0, 0],
      [fresh]: [1, 1, 0, 0],
    });
    expect((await f.queue.get(queued)).status).toBe('queued');

    // the last live job of range 1 finishes; once everything in it is old, the range goes whole
    await drain(f.queue, ['r1-later']);
    await finishedDaysAgo([queued, recent], 31);
    expect(await f.queue.history.maintain()).toMatchObject({ rangesDropped: 1 });
    expect(await ranges()).toEqual([2]);
    expect(await partitions()).toEqual(['jobs_r2']);
    expect(await rowsOf([queued, recent, fresh])).toEqual({
      [queued]: [0, 0, 0, 0],
      [recent]: [0, 0, 0, 0],
      [fresh]: [1, 1, 0, 0],
    });
    // the counters keep every job that ever ended
    expect((await f.queue.counts()).byStatus).toMatchObject({ success: 5, failure: 0 });
    expect((await f.queue.list({ tag: 'r1' })).map((j) => j.id)).toEqual([fresh]);
  });

  it('keeps everything with retention 0, and pushes on when no range is ready', async () => {
    await f.queue.history.startNewRange();
    const [keep] = await f.queue.pushMany([{ path: 'f/test/noop', tag: 'k' }]);
    await drain(f.queue, ['k']);
    await finishedDaysAgo([keep], 400);
    await sealedDaysAgo(400);
    const forever = new History(f.db, { retentionMs: 0 });
    expect(await forever.maintain()).toMatchObject({ rangesDropped: 0, jobsPurged: 0 });
    expect((await f.queue.get(keep)).status).toBe('success');

    // the sequence at the end of the last range: the push adds the next range and goes through
    await f.db.query(`SELECT setval('millrace.job_ids', (SELECT max(hi) FROM millrace.history_ranges) - 2)`);
    const before = await ranges();
    const ids = await f.queue.pushMany(Array.from({ length: 5 }, () => ({ path: 'f/test/noop', tag: 'k' })));
    expect(ids).toHaveLength(5);
    expect((await ranges()).length).toBe(before.length + 1);
    expect(await drain(f.queue, ['k'])).toEqual(ids);
  });

  it('expires dead worker rows, never live ones', async () => {
    for (const name of ['alive', 'stopped-long-ago', 'silent-long-ago', 'stopped-now']) {
      await f.queue.registerWorker({ name, group: 'default', tags: ['x'] });
    }
    await f.queue.stopWorker('stopped-long-ago');
    await f.queue.stopWorker('stopped-now');
    await f.db.query(
      `UPDATE millrace.workers SET last_ping = now() - interval '3 days' WHERE name IN ('stopped-long-ago', 'silent-long-ago')`,
    );
    const report = await f.queue.history.maintain();
    expect(report.workersExpired).toBe(2);
    expect((await f.queue.workers({ seenWithinMs: 10 * DAY })).map((w) => w.name).sort()).toEqual([
      'alive',
      'stopped-now',
    ]);
  });

  it('lets one process at a time do a pass', async () => {
    await f.db.query(
      `UPDATE millrace.history_lease SET holder = 'someone-else', until = now() + interval '1 minute'`,
    );
    expect(await f.queue.history.maintain()).toMatchObject({ ran: false });
    await f.db.query(`UPDATE millrace.history_lease SET until = '-infinity'`);
    expect(await f.queue.history.maintain()).toMatchObject({ ran: true });
  });
});
