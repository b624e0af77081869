// Read-side queries for `get`, `list`, `counts` and the UI. A job's state is spread over three
// tables by design (immutable row, hot queue row, completed row); these put it back together.

const JOB_COLUMNS = `
  j.id::text AS id, j.path, encode(j.script_hash, 'hex') AS hash, j.tag, j.args, j.priority, j.max_attempts, j.timeout_ms,
  j.rerun_of::text AS rerun_of, j.created_at, j.concurrency_key, j.unique_key,
  coalesce(c.status, CASE WHEN q.running THEN 'running' ELSE 'queued' END) AS status,
  c.result, c.error, coalesce(c.worker, q.worker) AS worker, coalesce(c.attempt, q.attempt) AS attempt,
  q.scheduled_for, coalesce(c.started_at, q.started_at) AS started_at, c.completed_at, c.duration_ms,
  coalesce(q.cancel_requested, false) AS cancel_requested`;

/** With the job's origin (migration 0008): the schedule tick or the failure that pushed it. */
export const GET_JOB = `
SELECT ${JOB_COLUMNS}, sr.schedule AS origin_schedule, sr.tick AS origin_tick,
       fh.failed_job_id::text AS origin_failure_of
FROM millrace.jobs j
LEFT JOIN millrace.job_queue q ON q.id = j.id
LEFT JOIN millrace.job_completed c ON c.id = j.id
LEFT JOIN millrace.schedule_runs sr ON sr.job_id = j.id
LEFT JOIN millrace.failure_handler_runs fh ON fh.handler_job_id = j.id
WHERE j.id = $1`;

/**
 * The row of `table` with the outer row's id, as a subquery the planner cannot flatten (OFFSET 0):
 * always one primary-key probe per listed job, never a hash join over every history range, which a
 * never-analyzed queue table invites (65 ms, parallel workers and all, to list an empty queue over
 * 200,000 jobs of history).
 */
const rowOf = (table: string, alias: string, key: string, id: string) =>
  `LATERAL (SELECT * FROM millrace.${table} ${alias} WHERE ${alias}.${key} = ${id} OFFSET 0) ${alias}`;

/**
 * Newest first, keyset-paged by id ($6 = before). Every filter is a parameter that may be NULL;
 * the statement text never changes with the input.
 * $1 statuses text[], $2 path, $3 tag, $4 worker, $5 limit, $6 before id.
 * Four statements, one per kind of status filter (`listStatement` picks one), so each walks the
 * index that finds its rows first instead of every job newest first until enough match.
 */
export const LIST_JOBS = `
SELECT * FROM (
  SELECT ${JOB_COLUMNS}
  FROM millrace.jobs j
  LEFT JOIN ${rowOf('job_queue', 'q', 'id', 'j.id')} ON true
  LEFT JOIN ${rowOf('job_completed', 'c', 'id', 'j.id')} ON true
  WHERE ($2::text IS NULL OR j.path = $2)
    AND ($3::text IS NULL OR j.tag = $3)
    AND ($6::bigint IS NULL OR j.id < $6)
  ORDER BY j.id DESC
) jobs
WHERE ($1::text[] IS NULL OR status = ANY($1))
  AND ($4::text IS NULL OR worker = $4)
LIMIT $5`;

/** Only queued or running jobs: from the queue, which holds nothing else. */
const LIST_LIVE = `
SELECT * FROM (
  SELECT ${JOB_COLUMNS}
  FROM millrace.job_queue q
  CROSS JOIN ${rowOf('jobs', 'j', 'id', 'q.id')}
  LEFT JOIN millrace.job_completed c ON false
  WHERE ($2::text IS NULL OR q.path = $2)
    AND ($3::text IS NULL OR q.tag = $3)
    AND ($4::text IS NULL OR q.worker = $4)
    AND ($6::bigint IS NULL OR q.id < $6)
  ORDER BY q.id DESC
) jobs
WHERE status = ANY($1)
LIMIT $5`;

/** Only finished jobs, from job_completed newest first. */
const LIST_FINISHED = `
SELECT ${JOB_COLUMNS}
FROM millrace.job_completed c
CROSS JOIN ${rowOf('jobs', 'j', 'id', 'c.id')}
LEFT JOIN millrace.job_queue q ON false
WHERE c.status = ANY($1)
  AND ($2::text IS NULL OR j.path = $2)
  AND ($3::text IS NULL OR j.tag = $3)
  AND ($4::text IS NULL OR c.worker = $4)
  AND ($6::bigint IS NULL OR c.id < $6)
ORDER BY c.id DESC
LIMIT $5`;

/**
 * Failed or canceled only. Their completed rows keep path and tag, and partial indexes hold just
 * them (migrations 0005, 0006), newest first, alone or by path or by tag: the page is found in
 * job_completed alone, then its jobs rows are read.
 */
const LIST_UNSUCCESSFUL = `
SELECT ${JOB_COLUMNS}
FROM (
  SELECT * FROM millrace.job_completed c
  WHERE c.status = ANY($1) AND c.status <> 'success'
    AND ($2::text IS NULL OR c.path = $2)
    AND ($3::text IS NULL OR c.tag = $3)
    AND ($4::text IS NULL OR c.worker = $4)
    AND ($6::bigint IS NULL OR c.id < $6)
  ORDER BY c.id DESC
  LIMIT $5
) c
CROSS JOIN ${rowOf('jobs', 'j', 'id', 'c.id')}
LEFT JOIN millrace.job_queue q ON false
ORDER BY c.id DESC`;

const LIVE = new Set(['queued', 'running']);
const UNSUCCESSFUL = new Set(['failure', 'canceled']);

/**
 * Run before LIST_UNSUCCESSFUL, in its transaction. A failed row's path and tag are set only when
 * its status is not success, and the planner multiplies the two selectivities as if independent:
 * it expects a row or two per range, reads every failure of the path with bitmap scans and sorts
 * them (30 ms over 10 M jobs of history) instead of walking the partial index newest first and
 * stopping at the page's end.
 */
export const ORDERED_SCANS =
  "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)";

/** The list statement for a status filter (null: any status), and whether it wants ORDERED_SCANS. */
export function listStatement(statuses: readonly string[] | null): { sql: string; orderedScans: boolean } {
  const plain = (sql: string) => ({ sql, orderedScans: false });
  if (statuses === null || statuses.length === 0) return plain(LIST_JOBS);
  if (statuses.every((s) => LIVE.has(s))) return plain(LIST_LIVE);
  if (statuses.every((s) => UNSUCCESSFUL.has(s))) return { sql: LIST_UNSUCCESSFUL, orderedScans: true };
  if (statuses.every((s) => s === 'success' || UNSUCCESSFUL.has(s))) return plain(LIST_FINISHED);
  return plain(LIST_JOBS);
}

export const JOB_ATTEMPTS = `
SELECT attempt, status, error, worker, started_at, ended_at
FROM millrace.job_attempts WHERE job_id = $1 ORDER BY attempt`;

/**
 * Live jobs per tag from the queue (it holds only queued and running jobs), finished jobs per status
 * from the counters the ending statements keep: nothing here reads history.
 * $1: how long a worker may go without a ping and still count as live (ms).
 */
export const COUNTS = `
WITH live_tags AS (
  SELECT DISTINCT unnest(tags) AS tag FROM millrace.workers
  WHERE stopped_at IS NULL AND last_ping > now() - make_interval(secs => $1::float8 / 1000)
),
by_tag AS (
  SELECT tag, count(*) FILTER (WHERE NOT running)::int AS queued, count(*) FILTER (WHERE running)::int AS running
  FROM millrace.job_queue GROUP BY tag
)
SELECT 'tag' AS kind, b.tag AS key, b.queued, b.running, (l.tag IS NOT NULL) AS served
FROM by_tag b LEFT JOIN live_tags l ON l.tag = b.tag
UNION ALL
SELECT 'status', status, sum(n)::float8, 0, true FROM millrace.job_counts GROUP BY status`;

/**
 * Completions per tag per bucket over the last $1 seconds, buckets of $2 seconds, from the
 * per-second counters (job_rate): a primary-key range of at most $1 × tags × shards rows.
 */
export const THROUGHPUT = `
SELECT tag, floor(second / $2::bigint)::bigint * $2 AS bucket, sum(n)::float8 AS n
FROM millrace.job_rate
WHERE second >= floor(date_part('epoch', now()) - $1::float8)::bigint
GROUP BY 1, 2 ORDER BY 2`;

/** The completion counters per (tag, status), summed over shards. */
export const COMPLETION_COUNTERS = `
SELECT tag, status, sum(n)::float8 AS n, sum(duration_n)::float8 AS duration_n, sum(duration_ms)::float8 AS duration_ms,
       sum(latency_n)::float8 AS latency_n, sum(latency_ms)::float8 AS latency_ms
FROM millrace.job_counts GROUP BY tag, status ORDER BY tag, status`;

/** The histogram counters per (tag, kind, bucket), summed over shards. */
export const HISTOGRAM_COUNTERS = `
SELECT tag, kind::text AS kind, bucket, sum(n)::float8 AS n
FROM millrace.job_histogram GROUP BY tag, kind, bucket`;
