import { openDb } from '@millrace/db';
import { Settings } from '@millrace/settings';
import { openTestDb, testDrivers } from '@millrace/testing';
import { describe, expect, it } from 'vitest';
import { Queue } from './index';

// PGlite has a single connection, so real lock contention is only tested on PostgreSQL.
describe.runIf(testDrivers().includes('postgres'))('concurrent claimers on postgres', () => {
  it('8 connections drain 10,000 jobs: each claimed once, completed once, none left', async () => {
    const t = await openTestDb('postgres');
    try {
      const settings = new Settings(t.db);
      await settings.deployScript({
        path: 'f/test/noop',
        content: 'export const main = () => 1;',
        language: 'javascript',
      });
      await new Queue(t.db).pushMany(
        Array.from({ length: 10_000 }, (_, i) => ({ path: 'f/test/noop', args: { i } })),
      );

      const claimedBy = new Map<string, string>();
      const duplicates: string[] = [];
      const workers = Array.from({ length: 8 }, async (_, w) => {
        const db = await openDb({ url: t.url, poolSize: 1, migrate: false });
        const queue = new Queue(db);
        try {
          for (;;) {
            const jobs = await queue.claim(`w${w}`, ['node'], 50);
            if (jobs.length === 0) return;
            for (const j of jobs) {
              if (claimedBy.has(j.id)) duplicates.push(j.id);
              claimedBy.set(j.id, `w${w}`);
            }
            const report = await queue.complete(
              jobs.map((j) => ({ id: j.id, token: j.token, status: 'success' as const, result: w })),
            );
            expect(report.stale).toEqual([]);
          }
        } finally {
          await db.close();
        }
      });
      await Promise.all(workers);

      expect(duplicates).toEqual([]);
      expect(claimedBy.size).toBe(10_000);
      expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
      const { rows } = await t.db.query<{ completed: number; distinct_ids: number; left: number }>(`
        SELECT (SELECT count(*) FROM millrace.job_completed)::int AS completed,
               (SELECT count(DISTINCT id) FROM millrace.job_completed)::int AS distinct_ids,
               (SELECT count(*) FROM millrace.job_queue)::int AS left`);
      expect(rows[0]).toEqual({ completed: 10_000, distinct_ids: 10_000, left: 0 });
    } finally {
      await t.drop();
    }
  });
});
