/**
 * The counter upkeep shared by every statement that ends a job (COMPLETE_JOBS, CANCEL_JOB,
 * REAP_ZOMBIES): two more CTEs in the same statement, no extra round trip.
 * `ended` is a query with one row per job that ended, columns tag, status, duration_ms (int or
 * null) and latency_ms (float8 or null: runnable → started).
 * Rows are upserted in key order, so two statements that meet on a shard take the row
 * locks in the same order and wait for each other instead of deadlocking. The shard is the
 * backend's: concurrent completers on different connections mostly write different rows.
 * Tables: packages/db/migrations/0005_job_counters.sql.
 */

/**
 * A completed row keeps its job's tag and path only when it did not succeed: the partial indexes
 * of migration 0006 serve the UI's failure views, and successes pay nothing for them.
 */
export const UNSUCCESSFUL_ONLY = (column: string) => `CASE WHEN status <> 'success' THEN ${column} END`;

/** Histogram bucket upper bounds (ms), shared by run time and start latency. */
export const BUCKETS_MS = [1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 60000, 300000] as const;

/** Counter shards; readers sum over them. */
export const SHARDS = 16;

/**
 * The bucket of value `x`: the index of the first bound it does not exceed, BUCKETS_MS.length when
 * none. width_bucket over the negated bounds counts the bounds ≥ x in one binary search.
 */
const bucketOf = (x: string) =>
  `${BUCKETS_MS.length} - width_bucket(-(${x})::float8, '{${[...BUCKETS_MS]
    .reverse()
    .map((b) => -b)
    .join(',')}}'::float8[])`;

export function countEnded(ended: string): string {
  // One aggregation pass over the ended jobs; the three upserts read its few rows, not the batch.
  return `
tally AS MATERIALIZED (
  SELECT tag, status, ${bucketOf('duration_ms')} AS dk, ${bucketOf('latency_ms')} AS lk, count(*) AS n,
         count(duration_ms) AS dn, sum(duration_ms) AS ds, count(latency_ms) AS ln, sum(latency_ms) AS ls
  FROM (${ended}) ended GROUP BY 1, 2, 3, 4
),
counted AS (
  INSERT INTO millrace.job_counts AS k (tag, status, shard, n, duration_n, duration_ms, latency_n, latency_ms)
  SELECT tag, status, pg_backend_pid() % ${SHARDS}, sum(n), sum(dn), coalesce(sum(ds), 0), sum(ln),
         coalesce(sum(ls), 0)::bigint
  FROM tally GROUP BY tag, status ORDER BY tag, status
  ON CONFLICT (tag, status, shard) DO UPDATE SET
    n = k.n + excluded.n, duration_n = k.duration_n + excluded.duration_n,
    duration_ms = k.duration_ms + excluded.duration_ms, latency_n = k.latency_n + excluded.latency_n,
    latency_ms = k.latency_ms + excluded.latency_ms
),
histogram AS (
  INSERT INTO millrace.job_histogram AS h (tag, kind, bucket, shard, n)
  SELECT tag, kind, bucket, pg_backend_pid() % ${SHARDS}, sum(n) FROM (
    SELECT tag, 'd'::"char" AS kind, dk AS bucket, n FROM tally WHERE dk IS NOT NULL
    UNION ALL
    SELECT tag, 'l'::"char", lk, n FROM tally WHERE lk IS NOT NULL
  ) b
  GROUP BY tag, kind, bucket ORDER BY tag, kind, bucket
  ON CONFLICT (tag, kind, bucket, shard) DO UPDATE SET n = h.n + excluded.n
),
rated AS (
  INSERT INTO millrace.job_rate AS r (second, tag, shard, n)
  SELECT floor(date_part('epoch', now()))::bigint, tag, pg_backend_pid() % ${SHARDS}, sum(n)
  FROM tally GROUP BY tag ORDER BY tag
  ON CONFLICT (second, tag, shard) DO UPDATE SET n = r.n + excluded.n
)`;
}
