// Several hosts: worker processes in separate network namespaces, each reaching PostgreSQL over its
// own veth link. One host is cut off mid-run: its jobs are reaped and finished on the other host;
// when its link comes back it learns its claims were lost, drops them (its late results refused),
// goes on taking new jobs, and stops cleanly. Skips, saying why, where namespaces cannot be made.
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, netnsUnavailableReason } from './hosts.mjs';
import { checkInvariants } from './invariants.mjs';
import { deployChaosScripts, GENERIC_GROUP, GENERIC_PATH } from './scripts.mjs';
import { createWorkerPool } from './worker-pool.mjs';

const unavailable = testDrivers().includes('postgres') ? await netnsUnavailableReason() : 'needs PostgreSQL';
if (unavailable) process.stderr.write(`several-hosts suite skipped: ${unavailable}\n`);

type Host = Awaited<ReturnType<typeof createHost>>;

describe.skipIf(unavailable !== null)('several hosts, one cut off', () => {
  let t: TestDb;
  let queue: Queue;
  const hosts: Host[] = [];
  let pool: ReturnType<typeof createWorkerPool>;

  beforeAll(async () => {
    t = await openTestDb('postgres');
    const settings = new Settings(t.db);
    queue = new Queue(t.db, { settings });
    await deployChaosScripts(settings, { concurrency: 8 });
    const target = new URL(t.url as string);
    for (const index of [1, 2])
      hosts.push(
        await createHost({ index, targetHost: target.hostname, targetPort: Number(target.port || 5432) }),
      );
    pool = createWorkerPool({ url: t.url as string, logFile: `/tmp/${target.pathname.slice(1)}.hosts.log` });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.restore().catch(() => {})));
    await pool?.stopAll();
    await Promise.all(hosts.map((h) => h.destroy()));
    await t?.drop();
  }, 60_000);

  const count = async (sql: string, params: unknown[] = []) =>
    (await t.db.query<{ n: number }>(sql, params)).rows[0].n;

  it('reaps the cut-off host’s jobs elsewhere, then takes it back without a duplicate', async () => {
    const [a, b] = hosts;
    await pool.spawn(GENERIC_GROUP, { name: 'host-a', wrap: a.wrap, url: a.url(t.url as string) });
    await pool.spawn(GENERIC_GROUP, { name: 'host-b', wrap: b.wrap, url: b.url(t.url as string) });
    const push = (from: number, n: number) =>
      queue.pushMany(
        Array.from({ length: n }, (_, k) => ({ path: GENERIC_PATH, args: { i: from + k, ms: 40 } })),
      );
    const ids = await push(0, 3_000);

    // both hosts are working; then host A's link goes down with jobs in hand
    await waitFor(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM millrace.job_completed WHERE worker = 'host-a'`)) > 50,
    );
    await a.cut();
    const cutAt = Date.now();
    await new Promise((r) => setTimeout(r, 200)); // statements already on the wire land or hang
    const { rows } = await t.db.query<{ id: string }>(
      `SELECT id::text AS id FROM millrace.job_queue WHERE worker = 'host-a'`,
    );
    const stranded = rows.map((r) => r.id);
    expect(stranded.length).toBeGreaterThan(0);

    // host B's reaper finds them stale (2 s without a ping) and B finishes them
    await waitFor(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = ANY($1::bigint[])`, [
          stranded,
        ])) === stranded.length,
      { timeoutMs: 30_000, message: 'the cut-off host’s jobs finished elsewhere' },
    );
    const recoveredMs = Date.now() - cutAt;
    expect(
      await count(
        `SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = ANY($1::bigint[]) AND worker <> 'host-b'`,
        [stranded],
      ),
    ).toBe(0);

    // host A comes back: it drops the lost claims and takes new jobs again
    await a.restore();
    const restoredAt = new Date();
    const more = await push(3_000, 1_000);
    await waitFor(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM millrace.job_completed WHERE worker = 'host-a' AND completed_at > $1`,
          [restoredAt],
        )) > 0,
      { timeoutMs: 60_000, message: 'host A completes jobs again after the partition' },
    );
    const all = [...ids, ...more];
    await waitFor(
      async () => (await count('SELECT count(*)::int AS n FROM millrace.job_completed')) === all.length,
      { timeoutMs: 60_000, message: 'every job completed' },
    );
    expect([...pool.live.keys()].sort()).toEqual(['host-a', 'host-b']); // nobody crashed on the way
    expect(await pool.stopAll()).toEqual({ 'host-a': 0, 'host-b': 0 }); // and both stand down cleanly on SIGTERM

    const invariants = await checkInvariants(t.db, { acknowledged: all, killedWorkers: [] });
    expect(invariants.problems).toEqual([]);
    expect(invariants).toMatchObject({ lost: 0, duplicates: 0, stuckRunning: 0, fencingViolations: 0 });
    // every re-run is one of host A's claims, lost to the partition
    const lostBy = (
      await t.db.query<{ worker: string }>(
        `SELECT DISTINCT worker FROM millrace.job_attempts WHERE status = 'lost'`,
      )
    ).rows.map((r) => r.worker);
    expect(lostBy).toEqual(['host-a']);
    process.stdout.write(
      `several hosts: ${all.length} jobs, ${stranded.length} stranded on the cut-off host, finished elsewhere ` +
        `${recoveredMs} ms after the cut; ${invariants.rerunJobs} re-run, lost 0, duplicates 0\n`,
    );
  }, 150_000);
});
