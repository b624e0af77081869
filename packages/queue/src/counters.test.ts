import { openDb } from '@millrace/db';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompletionCounter, Queue } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

const BUCKETS = [1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 60000, 300000];

/** What the counters must equal: counted from the completed rows themselves. */
async function trueCounters(f: QueueFixture) {
  const { rows } = await f.db.query<Record<string, unknown>>(`
    SELECT j.tag, c.status, c.duration_ms,
           date_part('epoch', c.started_at) * 1000 AS started_ms
    FROM millrace.job_completed c JOIN millrace.jobs j ON j.id = c.id`);
  const byKey = new Map<string, { tag: string; status: string; count: number; durations: number[] }>();
  for (const r of rows) {
    const key = `${r.tag}|${r.status}`;
    const entry = byKey.get(key) ?? { tag: String(r.tag), status: String(r.status), count: 0, durations: [] };
    entry.count++;
    if (r.duration_ms != null) entry.durations.push(Number(r.duration_ms));
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => a.tag.localeCompare(b.tag) || a.status.localeCompare(b.status));
}

/** Counters and histograms as one comparable shape: per (tag, status), then per tag. */
async function summary(queue: Queue) {
  const counters = (await queue.completionCounters()).map((c) => ({
    tag: c.tag,
    status: c.status,
    count: c.count,
    durationCount: c.duration.count,
    durationSumMs: c.duration.sumMs,
  }));
  const histograms = (await queue.completionHistograms()).map((h) => ({
    tag: h.tag,
    durationLe: h.duration.cumulative,
    durationCount: h.duration.count,
  }));
  return { counters, histograms };
}

function expected(truth: Awaited<ReturnType<typeof trueCounters>>) {
  const counters = truth.map((t) => ({
    tag: t.tag,
    status: t.status,
    count: t.count,
    durationCount: t.durations.length,
    durationSumMs: t.durations.reduce((a, b) => a + b, 0),
  }));
  const tags = [...new Set(truth.map((t) => t.tag))];
  const histograms = tags.map((tag) => {
    const durations = truth.filter((t) => t.tag === tag).flatMap((t) => t.durations);
    return {
      tag,
      durationLe: BUCKETS.map((b) => durations.filter((d) => d <= b).length),
      durationCount: durations.length,
    };
  });
  return { counters, histograms };
}

describe.each(testDrivers())('completion counters on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { maxLostAttempts: 1, retryBaseMs: 1 });
  });
  afterAll(() => f.drop());

  const complete = (
    j: { id: string; token: string },
    status: 'success' | 'failure' | 'canceled',
    durationMs: number,
    retryable = false,
  ) =>
    f.queue.complete([
      status === 'success'
        ? { id: j.id, token: j.token, status, result: { ok: true }, durationMs }
        : {
            id: j.id,
            token: j.token,
            status,
            error: { message: status, reason: 'timeout' },
            retryable,
            durationMs,
          },
    ]);

  it('equal the completed rows after completes, failures, timeouts, retries, cancels and reaps', async () => {
    expect(await f.queue.completionCounters()).toEqual([]);
    const ids = await f.queue.pushMany([
      ...Array.from({ length: 6 }, () => ({ path: 'f/test/noop', tag: 'a' })),
      ...Array.from({ length: 4 }, () => ({ path: 'f/test/other', tag: 'b', maxAttempts: 2 })),
    ]);
    const a = await f.queue.claim('w1', ['a'], 3);
    // a batch with two statuses and durations on both sides of bucket bounds
    await f.queue.complete([
      { id: a[0].id, token: a[0].token, status: 'success', result: 1, durationMs: 5 },
      { id: a[1].id, token: a[1].token, status: 'success', result: null, durationMs: 6 },
      { id: a[2].id, token: a[2].token, status: 'failure', error: { message: 'boom' }, durationMs: 70_000 },
    ]);
    // a timeout is a failure the worker reports as not retryable
    const [timedOut] = await f.queue.claim('w1', ['a'], 1);
    await complete(timedOut, 'failure', 1000);
    // cancel of a queued job, and of a running one (its worker reports canceled)
    expect(await f.queue.cancel(ids[5])).toEqual({ status: 'canceled' });
    const [running] = await f.queue.claim('w1', ['a'], 1);
    expect(await f.queue.cancel(running.id)).toEqual({ status: 'cancel_requested' });
    await complete(running, 'canceled', 2);

    // b: a failure retried, a success, a worker lost twice, a lost job whose cancel was requested
    const [retry, lost, cancelLost, done] = await f.queue.claim('w2', ['b'], 4);
    expect((await complete(retry, 'failure', 3, true)).retried).toEqual([retry.id]);
    await complete(done, 'success', 7);
    expect((await complete(done, 'success', 7)).stale).toEqual([done.id]); // changes nothing
    const stale = (id: string) =>
      f.db.query("UPDATE millrace.job_queue SET last_ping = now() - interval '1 hour' WHERE id = $1", [id]);
    await stale(lost.id);
    await f.queue.cancel(cancelLost.id);
    await stale(cancelLost.id);
    // the first loss re-queues (not counted); a lost job whose cancel was requested ends canceled
    expect(await f.queue.reapZombies({ staleAfterMs: 1000 })).toEqual({
      requeued: [lost.id],
      failed: [cancelLost.id],
    });
    const again = await f.queue.claim('w2', ['b'], 2);
    expect(again.map((j) => j.id).sort()).toEqual([retry.id, lost.id].sort());
    await complete(again.find((j) => j.id === retry.id) as (typeof again)[0], 'success', 4);
    // lost again with no attempts left: fails for good, counted once
    await stale(lost.id);
    await f.db.query('UPDATE millrace.job_queue SET attempt = max_attempts + 1 WHERE id = $1', [lost.id]);
    expect((await f.queue.reapZombies({ staleAfterMs: 1000 })).failed).toEqual([lost.id]);

    const truth = await trueCounters(f);
    expect(truth.map((t) => [t.tag, t.status, t.count])).toEqual([
      ['a', 'canceled', 2],
      ['a', 'failure', 2],
      ['a', 'success', 2],
      ['b', 'canceled', 1],
      ['b', 'failure', 1],
      ['b', 'success', 2],
    ]);
    expect(await summary(f.queue)).toEqual(expected(truth));
    const counts = await f.queue.counts();
    expect(counts.byStatus).toEqual({ queued: 0, running: 0, success: 4, failure: 3, canceled: 3 });
    const latency = (await f.queue.completionCounters()).map((c) => c.latency.count);
    // every job but the one canceled while queued was started
    expect(latency.reduce((x, y) => x + y, 0)).toBe(9);
    const latencyHistograms = (await f.queue.completionHistograms()).map((h) => h.latency);
    expect(latencyHistograms.map((h) => h.count)).toEqual([5, 4]);
    expect(latencyHistograms.map((h) => h.cumulative.at(-1))).toEqual([5, 4]); // none took 5 minutes
  });

  it('feed the throughput chart per tag', async () => {
    const rows = await f.queue.throughput({ minutes: 5, bucketSeconds: 300 });
    const perTag = new Map<string, number>();
    for (const r of rows) perTag.set(r.tag, (perTag.get(r.tag) ?? 0) + r.count);
    expect(Object.fromEntries(perTag)).toEqual({ a: 6, b: 4 });
  });

  // PGlite is one connection: completers only run side by side on PostgreSQL
  it.runIf(driver === 'postgres')('stay exact with 8 completers on their own connections', async () => {
    const before = await f.queue.completionCounters();
    const countOf = (cs: CompletionCounter[], status: string) =>
      cs.filter((c) => c.tag === 'many').find((c) => c.status === status)?.count ?? 0;
    await f.queue.pushMany(
      Array.from({ length: 4000 }, (_, i) => ({ path: 'f/test/noop', tag: 'many', args: { i } })),
    );
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        const db = await openDb({ url: f.url, poolSize: 1, migrate: false });
        const queue = new Queue(db);
        try {
          for (;;) {
            const jobs = await queue.claim(`c${w}`, ['many'], 25);
            if (jobs.length === 0) return;
            await queue.complete(
              jobs.map((j) =>
                Number(j.args.i) % 10 === 0
                  ? {
                      id: j.id,
                      token: j.token,
                      status: 'failure' as const,
                      error: { message: 'x' },
                      retryable: false,
                    }
                  : { id: j.id, token: j.token, status: 'success' as const, result: null },
              ),
            );
          }
        } finally {
          await db.close();
        }
      }),
    );
    const after = await f.queue.completionCounters();
    expect(countOf(after, 'success') - countOf(before, 'success')).toBe(3600);
    expect(countOf(after, 'failure') - countOf(before, 'failure')).toBe(400);
    expect(await summary(f.queue)).toEqual(expected(await trueCounters(f)));
  });
});
