import type { Queryable } from '@millrace/db';
import { BUCKETS_MS } from './sql/counters';
import { COMPLETION_COUNTERS, COUNTS, HISTOGRAM_COUNTERS, THROUGHPUT } from './sql/read-jobs';
import type { CompletionCounter, CounterHistogram, JobStatus, QueueCounts, TagHistograms } from './types';

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

/** Jobs ended per (tag, status) since the database was created, exact. */
export async function readCompletionCounters(db: Queryable): Promise<CompletionCounter[]> {
  const { rows } = await db.query<Record<string, unknown>>(COMPLETION_COUNTERS);
  return rows.map((r) => ({
    tag: r.tag as string,
    status: r.status as CompletionCounter['status'],
    count: Number(r.n),
    duration: { count: Number(r.duration_n), sumMs: Number(r.duration_ms) },
    latency: { count: Number(r.latency_n), sumMs: Number(r.latency_ms) },
  }));
}

const emptyHistogram = (): CounterHistogram => ({
  count: 0,
  sumMs: 0,
  bucketsMs: [...BUCKETS_MS],
  cumulative: BUCKETS_MS.map(() => 0),
});

/** Run time and start latency histograms per tag, from the histogram counters. */
export async function readTagHistograms(db: Queryable): Promise<TagHistograms[]> {
  const [counters, { rows }] = await Promise.all([
    readCompletionCounters(db),
    db.query<{ tag: string; kind: string; bucket: number; n: number }>(HISTOGRAM_COUNTERS),
  ]);
  const byTag = new Map<string, TagHistograms>();
  const of = (tag: string) => {
    let h = byTag.get(tag);
    if (!h) {
      h = { tag, duration: emptyHistogram(), latency: emptyHistogram() };
      byTag.set(tag, h);
    }
    return h;
  };
  for (const c of counters) {
    const h = of(c.tag);
    h.duration.count += c.duration.count;
    h.duration.sumMs += c.duration.sumMs;
    h.latency.count += c.latency.count;
    h.latency.sumMs += c.latency.sumMs;
  }
  for (const r of rows) {
    const h = of(r.tag)[r.kind === 'd' ? 'duration' : 'latency'];
    // bucket b counts values whose first bound not exceeded is b: they count for every bound from b on
    for (let i = Number(r.bucket); i < h.cumulative.length; i++) h.cumulative[i] += Number(r.n);
  }
  return [...byTag.values()].sort((a, b) => a.tag.localeCompare(b.tag));
}
