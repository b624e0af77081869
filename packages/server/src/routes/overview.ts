import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { parse, throughputQuery } from '../schemas';

/** Queue overview for the Runs page: counts per status and tag, and completions per second per tag. */
export function registerOverviewRoutes(app: FastifyInstance, { queue }: ServerContext): void {
  app.get('/api/counts', async () => {
    const counts = await queue.counts();
    return {
      byStatus: counts.byStatus,
      byTag: counts.byTag.map(({ tag, queued, running }) => ({ tag, queued, running })),
      tagsWithoutWorkers: counts.tagsWithoutWorkers,
    };
  });

  app.get('/api/stats/throughput', async (request) => {
    const q = parse(throughputQuery, request.query, 'query');
    const minutes = q.minutes ?? 10;
    const bucketSeconds = q.bucketSeconds ?? Math.max(1, Math.round((minutes * 60) / 120));
    const rows = await queue.throughput({ minutes, bucketSeconds });

    // Every bucket present, oldest first, the last one the current (partial) bucket; the queue
    // aligns buckets to multiples of bucketSeconds since the epoch, and so do these.
    const nowS = Date.now() / 1000;
    const last = Math.floor(nowS / bucketSeconds) * bucketSeconds;
    const n = Math.ceil((minutes * 60) / bucketSeconds);
    const timestamps = Array.from({ length: n }, (_, i) => last - (n - 1 - i) * bucketSeconds);
    const index = new Map(timestamps.map((t, i) => [t, i]));
    const byTag = new Map<string, number[]>();
    for (const row of rows) {
      const i = index.get(Math.round(row.bucket.getTime() / 1000));
      if (i === undefined) continue; // a bucket just before the window's first one
      const values = byTag.get(row.tag) ?? new Array<number>(n).fill(0);
      values[i] += row.count / bucketSeconds;
      byTag.set(row.tag, values);
    }
    const series = [...byTag.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, values]) => ({ tag, values }));
    return {
      from: new Date(timestamps[0] * 1000).toISOString(),
      to: new Date(nowS * 1000).toISOString(),
      bucketSeconds,
      timestamps,
      series,
    };
  });
}
