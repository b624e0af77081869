import { randomBytes } from 'node:crypto';
import { type Db, migrate, migrations, openDb } from '@millrace/db';
import { Settings } from '@millrace/settings';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from './index';

const ADMIN_URL = process.env.MILLRACE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const HASH = 'ab'.repeat(32);

/** A database at migration 3 (before history ranges and counters), and how to drop it. */
async function openAtMigration3(driver: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (driver === 'pglite') {
    const db = await openDb({ migrate: false });
    await migrate(db as never, migrations.slice(0, 3));
    return { db, drop: () => db.close() };
  }
  const name = `millrace_upgrade_${randomBytes(4).toString('hex')}`;
  const admin = await openDb({ url: ADMIN_URL, migrate: false, poolSize: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ url: url.toString(), migrate: false });
  await migrate(db as never, migrations.slice(0, 3));
  return {
    db,
    async drop() {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

describe.each(testDrivers())('upgrading a database with history on %s', (driver) => {
  let t: { db: Db; drop: () => Promise<void> };
  beforeAll(async () => {
    t = await openAtMigration3(driver);
    // history written by the old schema: two finished jobs of two tags, one queued
    const old = `
      INSERT INTO millrace.scripts (path, latest_version, latest_hash) VALUES ('f/old/job', 1, '${HASH}');
      INSERT INTO millrace.script_versions (path, version, hash, language, content, code)
        VALUES ('f/old/job', 1, '${HASH}', 'javascript', 'x', 'x');
      INSERT INTO millrace.jobs (path, script_hash, args, tag, priority, max_attempts)
        SELECT 'f/old/job', '${HASH}', jsonb_build_object('i', i), CASE WHEN i = 2 THEN 'b' ELSE 'a' END, 0, 1
        FROM generate_series(1, 3) i;
      INSERT INTO millrace.job_completed (id, status, error, worker, attempt, started_at, duration_ms)
        VALUES (1, 'success', NULL, 'w', 1, now(), 3), (2, 'failure', '{"message":"x"}', 'w', 1, now(), 7);
      INSERT INTO millrace.job_logs (job_id, attempt, seq, text) VALUES (1, 1, 0, 'old log\n');
      INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts) VALUES (3, 'a', 0, now(), 1)`;
    for (const statement of old.split(';\n')) await t.db.query(statement);
    await migrate(t.db as never);
  }, 60_000);
  afterAll(() => t.drop());

  it('keeps every job readable, counts the history already there, and goes on from it', async () => {
    const queue = new Queue(t.db, { settings: new Settings(t.db) });
    expect(await queue.get('1')).toMatchObject({
      status: 'success',
      hash: HASH,
      args: { i: 1 },
      durationMs: 3,
    });
    expect(await queue.logs('1')).toBe('old log\n');
    expect((await queue.list({ status: 'failure', path: 'f/old/job', tag: 'b' })).map((j) => j.id)).toEqual([
      '2',
    ]);
    expect((await queue.counts()).byStatus).toEqual({
      queued: 1,
      running: 0,
      success: 1,
      failure: 1,
      canceled: 0,
    });
    expect(
      (await queue.completionCounters()).map((c) => [c.tag, c.status, c.count, c.duration.sumMs]),
    ).toEqual([
      ['a', 'success', 1, 3],
      ['b', 'failure', 1, 7],
    ]);
    // the old queued job is claimed (its hash back as hex) and finishes into the counters
    const [job] = await queue.claim('w', ['a'], 1);
    expect(job).toMatchObject({ id: '3', hash: HASH });
    await queue.complete([
      { id: '3', token: job.token, status: 'failure', error: { message: 'y' }, retryable: false },
    ]);
    expect((await queue.list({ status: 'failure', path: 'f/old/job' })).map((j) => j.id)).toEqual(['3', '2']);
    expect((await queue.counts()).byStatus).toMatchObject({ queued: 0, failure: 2 });
    const [next] = await queue.pushMany([{ path: 'f/old/job', tag: 'a' }]);
    expect(Number(next)).toBe(4);
  });
});
