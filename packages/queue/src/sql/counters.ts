/**
 * The counter upkeep shared by every statement that ends a job (COMPLETE_JOBS, CANCEL_JOB,
 * REAP_ZOMBIES): one CTE in the same statement, no extra round trip, which hands the ended jobs to
 * millrace.count_ended (packages/db/migrations/0005_job_counters.sql) as arrays. The statement
 * must read the CTE (`${COUNTED}`) in its final SELECT, or PostgreSQL never runs it.
 * `ended` is a query with one row per job that ended, columns tag, status, duration_ms (int or
 * null) and latency_ms (float8 or null: runnable → started).
 */

/**
 * A completed row keeps its job's tag and path only when it did not succeed: the partial indexes
 * of migration 0006 serve the UI's failure views, and successes pay nothing for them.
 */
export const UNSUCCESSFUL_ONLY = (column: string) => `CASE WHEN status <> 'success' THEN ${column} END`;

/** Histogram bucket upper bounds (ms), shared by run time and start latency (and count_ended). */
export const BUCKETS_MS = [1, 5, 10, 50, 100, 500, 1000, 5000, 10000, 60000, 300000] as const;

/** The expression that makes the final SELECT run the counters CTE. */
export const COUNTED = '(SELECT n FROM counted) AS counted';

export function countEnded(ended: string): string {
  return `
counted AS (
  SELECT millrace.count_ended(array_agg(tag), array_agg(status), array_agg(duration_ms), array_agg(latency_ms)) AS n
  FROM (${ended}) ended
)`;
}
