import { testDrivers, waitFor } from '@millrace/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from './index';
import { drain, openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('concurrency key rows pruned by the maintenance on %s', (driver) => {
  let f: QueueFixture;
  let history: History;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
    history = new History(f.db);
  });
  afterAll(() => f.drop());

  const limitRows = async (keys: string[]) =>
    (
      await f.db.query<{ key: string; max_running: number | null }>(
        'SELECT key, max_running FROM millrace.flow_limits WHERE key = ANY($1::text[]) ORDER BY key',
        [keys],
      )
    ).rows;
  const keyed = (key: string, tag: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      path: 'f/test/noop',
      args: { i },
      tag,
      concurrencyKey: key,
      concurrencyLimit: 1,
    }));

  it('deletes the rows of keys no queued or running job uses, keeps the rest, and a new push brings its limit back', async () => {
    await f.settings.setScriptSettings('f/test/other', { maxRunning: 3 });
    await f.queue.pushMany([
      ...keyed('p:done', 'p1', 2),
      ...keyed('p:queued', 'p2', 1),
      ...keyed('p:running', 'p3', 1),
      { path: 'f/test/other', args: {}, tag: 'p4' },
    ]);
    await drain(f.queue, ['p1', 'p4']);
    expect(await f.queue.claim('w', ['p3'], 10)).toHaveLength(1);

    const report = await history.maintain();
    expect(report.flowKeysPruned).toBe(1);
    expect(
      (await limitRows(['key:p:done', 'key:p:queued', 'key:p:running', 'script:f/test/other'])).map(
        (r) => r.key,
      ),
    ).toEqual(['key:p:queued', 'key:p:running', 'script:f/test/other']);

    // the key's next push creates its row again, with the limit it carries
    await f.queue.pushMany(keyed('p:done', 'p1', 3));
    expect(await limitRows(['key:p:done'])).toEqual([{ key: 'key:p:done', max_running: 1 }]);
    expect(await f.queue.claim('w', ['p1'], 10)).toHaveLength(1);
  });

  it('keeps a rate-limited key while a start still counts in its window', async () => {
    await f.queue.push(
      'f/test/noop',
      {},
      { tag: 'r1', concurrencyKey: 'r:win', rateLimit: { max: 1, windowMs: 3_600_000 } },
    );
    await drain(f.queue, ['r1']);
    expect((await history.maintain()).flowKeysPruned).toBe(0);
    // the window still holds the start: a new job of the key waits
    await f.queue.push(
      'f/test/noop',
      {},
      { tag: 'r1', concurrencyKey: 'r:win', rateLimit: { max: 1, windowMs: 3_600_000 } },
    );
    expect(await f.queue.claim('w', ['r1'], 10)).toEqual([]);
    await f.db.query(`DELETE FROM millrace.job_queue WHERE tag = 'r1'`);
    // once the start has left the window, the row goes
    await f.db.query(
      `UPDATE millrace.flow_limits SET recent_starts = ARRAY[now() - interval '2 hours'] WHERE key = 'key:r:win'`,
    );
    expect((await history.maintain()).flowKeysPruned).toBe(1);
    expect(await limitRows(['key:r:win'])).toEqual([]);
  });

  it.runIf(driver === 'postgres')(
    'a push in an open transaction keeps its key: the pruner skips the row until it commits',
    async () => {
      await f.queue.pushMany(keyed('x:open', 'x1', 1));
      await drain(f.queue, ['x1']);
      const client = new pg.Client({ connectionString: f.url });
      await client.connect();
      try {
        await client.query('BEGIN');
        await f.queue.within(client).pushMany(keyed('x:open', 'x1', 2));
        // its jobs are not visible yet: only the push's lock on the row keeps it
        expect((await history.maintain()).flowKeysPruned).toBe(0);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      expect(await limitRows(['key:x:open'])).toEqual([{ key: 'key:x:open', max_running: 1 }]);
      expect(await f.queue.claim('w', ['x1'], 10)).toHaveLength(1);
    },
  );

  it.runIf(driver === 'postgres')(
    'a push that meets a prune in flight waits for it and creates the row again',
    async () => {
      await f.queue.pushMany(keyed('y:gone', 'y1', 1));
      await drain(f.queue, ['y1']);
      const pruner = new pg.Client({ connectionString: f.url });
      await pruner.connect();
      try {
        await pruner.query('BEGIN');
        const { rows } = await pruner.query('SELECT millrace.prune_flow_limits() AS n');
        expect(rows[0].n).toBe(1);
        const push = f.queue.pushMany(keyed('y:gone', 'y1', 2));
        // the push waits on the row the pruner deleted and has not committed
        await waitFor(async () => {
          const { rows: waiting } = await f.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%push_keyed_jobs%'`,
          );
          return waiting[0].n === 1;
        });
        await pruner.query('COMMIT');
        await push;
      } finally {
        await pruner.end();
      }
      expect(await limitRows(['key:y:gone'])).toEqual([{ key: 'key:y:gone', max_running: 1 }]);
      expect(await f.queue.claim('w', ['y1'], 10)).toHaveLength(1);
    },
  );
});
