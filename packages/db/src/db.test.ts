import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDb } from './index';
import { migrations } from './migrations';

describe.each(testDrivers())('db on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
  });
  afterAll(() => t.drop());

  it('has applied every migration once', async () => {
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM millrace.migrations ORDER BY id');
    expect(rows.map((r) => Number(r.id))).toEqual(migrations.map((m) => m.id));
  });

  it('does not re-apply migrations', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the Db handle is also the driver
    expect(await migrate(t.db as any)).toEqual([]);
  });

  it('keeps the claim function on index scans and one cached generic plan after 0004 replaced it', async () => {
    const { rows } = await t.db.query<{ config: string[] }>(
      "SELECT proconfig AS config FROM pg_proc WHERE oid = 'millrace.claim_jobs(text, text[], integer)'::regprocedure",
    );
    expect(rows).toEqual([
      { config: ['enable_bitmapscan=off', 'enable_seqscan=off', 'plan_cache_mode=force_generic_plan'] },
    ]);
  });

  it('creates the default worker group', async () => {
    const { rows } = await t.db.query<{ name: string; tags: string[] }>(
      'SELECT name, tags FROM millrace.worker_groups',
    );
    expect(rows).toEqual([{ name: 'default', tags: ['node'] }]);
  });

  it('runs parameterised queries with arrays and JSON', async () => {
    const { rows } = await t.db.query<{ hit: boolean; v: number }>(
      "SELECT 'b' = ANY($1::text[]) AS hit, ($2::jsonb ->> 'v')::int AS v",
      [['a', 'b'], JSON.stringify({ v: 7 })],
    );
    expect(rows[0]).toEqual({ hit: true, v: 7 });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await t.db.query('CREATE TABLE tx_probe (n int)');
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1)');
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await t.db.query<{ n: number }>('SELECT n FROM tx_probe');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('queries on its own connection, whose close leaves the database open', async () => {
    const own = t.db.ownConnection();
    await own.transaction(async (tx) => {
      await tx.query('CREATE TABLE own_probe (n int)');
      await tx.query('INSERT INTO own_probe VALUES (1)');
    });
    expect((await own.query<{ n: number }>('SELECT n FROM own_probe')).rows).toEqual([{ n: 1 }]);
    await own.close();
    expect((await t.db.query<{ n: number }>('SELECT n FROM own_probe')).rows).toEqual([{ n: 1 }]);
  });

  it('delivers a NOTIFY to a listener, and stops after unlisten', async () => {
    const got: string[] = [];
    const unlisten = await t.db.listen('probe_channel', (p) => got.push(p));
    await t.db.notify('probe_channel', 'hello');
    await expect.poll(() => got).toEqual(['hello']);
    await unlisten();
    await t.db.notify('probe_channel', 'after');
    await t.db.notify('other_channel', 'x');
    // a round trip after the NOTIFY: anything still in flight would have arrived by now
    await t.db.query('SELECT 1');
    expect(got).toEqual(['hello']);
  });
});

describe.runIf(testDrivers().includes('postgres'))('migrations on postgres', () => {
  it('are safe when several processes start at once', async () => {
    const t = await openTestDb('postgres');
    try {
      await t.db.query('DROP SCHEMA millrace CASCADE');
      const dbs = await Promise.all([1, 2, 3, 4].map(() => openDb({ url: t.url, poolSize: 2 })));
      const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM millrace.migrations');
      expect(rows[0].n).toBe(migrations.length);
      await Promise.all(dbs.map((db) => db.close()));
    } finally {
      await t.drop();
    }
  });

  it('runs a statement on its own connection while every pooled connection is busy', async () => {
    const t = await openTestDb('postgres');
    const db = await openDb({ url: t.url, poolSize: 1, migrate: false });
    const own = db.ownConnection();
    try {
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const order: string[] = [];
      const busy = db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        order.push('pool busy');
        await held;
        order.push('pool free');
      });
      await expect.poll(() => order).toEqual(['pool busy']);
      const queued = db.query('SELECT 1').then(() => order.push('pooled query'));
      const { rows } = await own.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      order.push('own connection');
      release();
      await Promise.all([busy, queued]);
      expect(order).toEqual(['pool busy', 'own connection', 'pool free', 'pooled query']);
      // closing the Db closes its own connections too: that backend is gone
      await db.close();
      await expect
        .poll(
          async () =>
            (await t.db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [rows[0].pid])).rowCount,
        )
        .toBe(0);
    } finally {
      await own.close();
      await db.close();
      await t.drop();
    }
  });

  it('refuses an unreachable database with a DatabaseError', async () => {
    await expect(openDb({ url: 'postgres://root@127.0.0.1:1/nope' })).rejects.toMatchObject({
      code: 'database_error',
    });
  });
});
