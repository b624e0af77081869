import type { Queryable } from '@millrace/db';
import { BUCKETS_MS } from './sql/counters';
import { COMPLETION_COUNTERS, COUNTS, THROUGHPUT } from './sql/read-jobs';
import type { CompletionCounter, CounterHistogram, JobStatus, QueueCounts } from './types';

// The read side's aggregates, all from maintained counters or the live queue (never history).

export async function readCounts(db: Queryable, workerLiveMs: number): Promise<QueueCounts> {
  const { rows } = await db.query<{
    kind: string;
    key: string;
    queued: number;
    running: number;
    served: boolean;
  }>(COUNTS, [workerLiveMs]);
  const byStatus: Record<JobStatus, number> = { queued: 0, running: 0, success: 0, failure: 0, canceled: 0 };
  const byTag: QueueCounts['byTag'] = [];
  for (const r of rows) {
    if (r.kind === 'status') {
      byStatus[r.key as JobStatus] = Number(r.queued);
      continue;
    }
    byTag.push({ tag: r.key, queued: Number(r.queued), running: Number(r.running), served: r.served });
    byStatus.queued += Number(r.queued);
    byStatus.running += Number(r.running);
  }
  byTag.sort((a, b) => a.tag.localeCompare(b.tag));
  const tagsWithoutWorkers = byTag.filter((t) => t.queued > 0 && !t.served).map((t) => t.tag);
  return { byStatus, byTag, tagsWithoutWorkers };
}

export async function readThroughput(db: Queryable, minutes: number, bucketSeconds: number) {
  const { rows } = await db.query<{ tag: string; bucket: string | number; n: number }>(THROUGHPUT, [
    minutes * 60,
    bucketSeconds,
  ]);
  return rows.map((r) => ({ tag: r.tag, bucket: new Date(Number(r.bucket) * 1000), count: Number(r.n) }));
}

const emptyHistogram = (): CounterHistogram => ({
  count: 0,
  sumMs: 0,
  bucketsMs: [...BUCKETS_MS],
  cumulative: BUCKETS_MS.map(() => 0),
});

function addTo(h: CounterHistogram, count: unknown, sumMs: unknown, le: unknown): void {
  h.count += Number(count);
  h.sumMs += Number(sumMs);
  const values = (le as (string | number)[]) ?? [];
  for (let i = 0; i < h.cumulative.length; i++) h.cumulative[i] += Number(values[i] ?? 0);
}

/** Jobs ended per (tag, status) since the database was created, exact, with run time and start latency histograms. */
export async function readCompletionCounters(db: Queryable): Promise<CompletionCounter[]> {
  const { rows } = await db.query<Record<string, unknown>>(COMPLETION_COUNTERS);
  const byKey = new Map<string, CompletionCounter>();
  for (const r of rows) {
    const key = `${r.tag}\u0000${r.status}`;
    let c = byKey.get(key);
    if (!c) {
      c = {
        tag: r.tag as string,
        status: r.status as CompletionCounter['status'],
        count: 0,
        duration: emptyHistogram(),
        latency: emptyHistogram(),
      };
      byKey.set(key, c);
    }
    c.count += Number(r.n);
    addTo(c.duration, r.duration_n, r.duration_ms, r.duration_le);
    addTo(c.latency, r.latency_n, r.latency_ms, r.latency_le);
  }
  return [...byKey.values()].sort((a, b) => a.tag.localeCompare(b.tag) || a.status.localeCompare(b.status));
}
