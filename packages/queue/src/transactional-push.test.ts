import { testDrivers } from '@millrace/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('transactional push on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  const jobsOnTag = async (tag: string) =>
    (await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM millrace.jobs WHERE tag = $1', [tag]))
      .rows[0].n;

  /** Tags NOTIFY named until `marker` arrived: a wake-up sent before it is in the list. */
  async function wakeUpsUntil(marker: string, run: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let arrived!: () => void;
    const done = new Promise<void>((r) => (arrived = r));
    const unlisten = await f.db.listen('millrace_jobs', (tag) => {
      seen.push(tag);
      if (tag === marker) arrived();
    });
    try {
      await run();
      await f.queue.push('f/test/noop', {}, { tag: marker });
      await done;
      return seen;
    } finally {
      await unlisten();
    }
  }

  it('queue.transaction: the jobs exist once it commits', async () => {
    const ids = await f.queue.transaction(async (tx) => {
      const a = await tx.push('f/test/noop', { n: 1 }, { tag: 't1' });
      const more = await tx.pushMany([
        { path: 'f/test/noop', args: { n: 2 }, tag: 't1', uniqueKey: 'tx-key' },
      ]);
      await tx.query('SELECT 1');
      return [a, ...more];
    });
    expect((await f.queue.claim('w', ['t1'], 10)).map((j) => j.id).sort()).toEqual(ids.sort());
  });

  it('queue.transaction rolled back: no job, no key held, no wake-up', async () => {
    const seen = await wakeUpsUntil('t2-marker', async () => {
      await expect(
        f.queue.transaction(async (tx) => {
          await tx.push('f/test/noop', {}, { tag: 't2' });
          await tx.pushMany([{ path: 'f/test/noop', args: {}, tag: 't2', uniqueKey: 'rolled-back' }]);
          throw new Error('host changed its mind');
        }),
      ).rejects.toThrow('host changed its mind');
    });
    expect(seen).toEqual(['t2-marker']);
    expect(await jobsOnTag('t2')).toBe(0);
    // the key was never taken: a new push makes a job
    const id = await f.queue.push('f/test/noop', {}, { tag: 't2', uniqueKey: 'rolled-back' });
    expect((await f.queue.get(id)).status).toBe('queued');
  });

  it.runIf(driver === 'postgres')("within(client): the host's own pg client and transaction", async () => {
    const client = new pg.Client({ connectionString: f.url });
    await client.connect();
    try {
      const seen = await wakeUpsUntil('t3-marker', async () => {
        await client.query('BEGIN');
        await client.query('CREATE TABLE orders (id int)');
        await f.queue.within(client).push('f/test/noop', { order: 1 }, { tag: 't3' });
        await f.queue
          .within(client)
          .pushMany([{ path: 'f/test/noop', args: {}, tag: 't3', uniqueKey: 'o1' }]);
        // not visible to anyone else before the commit
        expect(await jobsOnTag('t3')).toBe(0);
        await client.query('ROLLBACK');
      });
      expect(seen).toEqual(['t3-marker']);
      expect(await jobsOnTag('t3')).toBe(0);

      await client.query('BEGIN');
      await client.query('CREATE TABLE orders (id int)');
      const id = await f.queue.within(client).push('f/test/noop', { order: 2 }, { tag: 't3' });
      await client.query('COMMIT');
      expect(await f.queue.get(id)).toMatchObject({ status: 'queued', args: { order: 2 } });
    } finally {
      await client.end();
    }
  });

  it.runIf(driver === 'postgres')(
    'a key pushed in an open transaction: a concurrent push of it gets the job once committed, or its own after a rollback',
    async () => {
      const client = new pg.Client({ connectionString: f.url });
      await client.connect();
      try {
        for (const end of ['ROLLBACK', 'COMMIT']) {
          const key = `open-tx-${end}`;
          await client.query('BEGIN');
          const inTx = await f.queue
            .within(client)
            .push('f/test/noop', { from: 'tx' }, { tag: 't5', uniqueKey: key });
          const outside = f.queue.push('f/test/noop', { from: 'outside' }, { tag: 't5', uniqueKey: key });
          await client.query(end);
          const id = await outside;
          if (end === 'COMMIT') expect(id).toBe(inTx);
          else expect((await f.queue.get(id)).args).toEqual({ from: 'outside' });
          const { rows } = await f.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM millrace.jobs WHERE unique_key = $1',
            [key],
          );
          expect(rows[0].n).toBe(1);
        }
      } finally {
        await client.end();
      }
    },
  );

  it.runIf(driver === 'pglite')("within(tx): a PGlite transaction of the queue's database", async () => {
    const seen = await wakeUpsUntil('t4-marker', async () => {
      await expect(
        f.db.transaction(async (tx) => {
          await f.queue.within(tx).push('f/test/noop', {}, { tag: 't4' });
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
    });
    expect(seen).toEqual(['t4-marker']);
    expect(await jobsOnTag('t4')).toBe(0);
    const id = await f.db.transaction((tx) => f.queue.within(tx).push('f/test/noop', {}, { tag: 't4' }));
    expect((await f.queue.get(id)).tag).toBe('t4');
  });
});
