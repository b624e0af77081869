/**
 * The counter upkeep shared by every statement that ends a job (COMPLETE_JOBS, CANCEL_JOB,
 * REAP_ZOMBIES): two more CTEs in the same statement, no extra round trip.
 * `ended` names a CTE with one row per job that ended, columns tag, status, duration_ms (int or
 * null) and latency_ms (float8 or null: runnable → started).
 * Rows are upserted in (tag, status) order, so two statements that meet on a shard take the row
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

const le = (column: string) =>
  `ARRAY[${BUCKETS_MS.map((b) => `count(*) FILTER (WHERE ${column} <= ${b})`).join(', ')}]`;

export function countEnded(ended: string): string {
  return `
counted AS (
  INSERT INTO millrace.job_counts AS k
    (tag, status, shard, n, duration_n, duration_ms, duration_le, latency_n, latency_ms, latency_le)
  SELECT tag, status, pg_backend_pid() % ${SHARDS}, count(*),
         count(duration_ms), coalesce(sum(duration_ms), 0), ${le('duration_ms')},
         count(latency_ms), coalesce(sum(latency_ms), 0)::bigint, ${le('latency_ms')}
  FROM ${ended} GROUP BY tag, status ORDER BY tag, status
  ON CONFLICT (tag, status, shard) DO UPDATE SET
    n = k.n + excluded.n,
    duration_n = k.duration_n + excluded.duration_n,
    duration_ms = k.duration_ms + excluded.duration_ms,
    duration_le = millrace.add_buckets(k.duration_le, excluded.duration_le),
    latency_n = k.latency_n + excluded.latency_n,
    latency_ms = k.latency_ms + excluded.latency_ms,
    latency_le = millrace.add_buckets(k.latency_le, excluded.latency_le)
),
rated AS (
  INSERT INTO millrace.job_rate AS r (second, tag, shard, n)
  SELECT floor(date_part('epoch', now()))::bigint, tag, pg_backend_pid() % ${SHARDS}, count(*)
  FROM ${ended} GROUP BY tag ORDER BY tag
  ON CONFLICT (second, tag, shard) DO UPDATE SET n = r.n + excluded.n
)`;
}
