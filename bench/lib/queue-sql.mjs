// Copies of the queue's hot statements (packages/queue/src/sql), for EXPLAIN and for trying variants
// without touching the package. Keep in step with the package when it changes.
/**
 * Claims up to $3 runnable jobs of the tags $2 for worker $1, in one statement.
 * Locking: FOR UPDATE SKIP LOCKED, so concurrent claimers never wait on or double-claim a row.
 * Order: priority DESC, scheduled_for, id — served by job_queue_claim_idx (partial: NOT running).
 * Every claim draws a fresh token: completion and heartbeat must present it (fencing).
 * Measured (bench/queue-throughput.mjs): one statement for a batch of 1000 costs about as much as
 * a handful of single claims, which is where batched workers get their speed.
 */
export const CLAIM_JOBS = `
WITH picked AS (
  SELECT id FROM millrace.job_queue
  WHERE NOT running AND tag = ANY($2::text[]) AND scheduled_for <= now()
  ORDER BY priority DESC, scheduled_for, id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
claimed AS (
  UPDATE millrace.job_queue q
  SET running = true, worker = $1, claim_token = nextval('millrace.claim_tokens'),
      started_at = now(), last_ping = now(), attempt = q.attempt + 1
  FROM picked
  WHERE q.id = picked.id
  RETURNING q.id, q.claim_token, q.attempt, q.tag, q.priority, q.started_at, q.scheduled_for
)
SELECT c.id::text AS id, c.claim_token::text AS token, c.attempt, c.tag, c.started_at,
       j.path, j.script_hash AS hash, j.args, j.max_attempts, j.timeout_ms, j.created_at
FROM claimed c
JOIN millrace.jobs j ON j.id = c.id
ORDER BY c.priority DESC, c.scheduled_for, c.id`;

/**
 * Ends a batch of claimed jobs in one statement (group commit).
 * $1 json: [{ id, token, status: success|failure|canceled, result, error, retryable, duration_ms, started_at_ms }]
 * started_at_ms is when the worker really started the job (a prefetched job waits a little after its claim).
 * $2 retry backoff base (ms), $3 backoff cap (ms).
 * Only rows whose claim token still matches are touched (fencing): a job reaped and re-claimed
 * meanwhile keeps its new owner, and the stale input row is reported by its absence.
 * A failure with attempts left (lost attempts excluded) is re-queued with exponential backoff and
 * its attempt recorded; everything else leaves the queue and gets its completed row.
 * One NOTIFY per 400 finished ids wakes `wait()` callers (payload: comma-separated ids).
 */
export const COMPLETE_JOBS = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS t(
    id bigint, token bigint, status text, result jsonb, error jsonb, retryable boolean, duration_ms int,
    started_at_ms float8)
),
decided AS MATERIALIZED (
  SELECT i.id, i.status, i.result, i.error, i.duration_ms, q.attempt, q.worker,
         coalesce(to_timestamp(i.started_at_ms / 1000), q.started_at) AS started_at,
         (i.status = 'failure' AND coalesce(i.retryable, true) AND NOT q.cancel_requested
          AND q.attempt - q.lost_attempts < j.max_attempts) AS retry
  FROM input i
  JOIN millrace.job_queue q ON q.id = i.id AND q.claim_token = i.token AND q.running
  JOIN millrace.jobs j ON j.id = i.id
  FOR UPDATE OF q
),
requeued AS (
  UPDATE millrace.job_queue q
  SET running = false, worker = NULL, claim_token = NULL, started_at = NULL, last_ping = NULL,
      scheduled_for = now() + make_interval(secs => least($2::float8 * 2 ^ (d.attempt - q.lost_attempts - 1), $3::float8) / 1000)
  FROM decided d
  WHERE q.id = d.id AND d.retry
),
attempts AS (
  INSERT INTO millrace.job_attempts (job_id, attempt, status, error, worker, started_at)
  SELECT id, attempt, 'failure', error, worker, started_at FROM decided WHERE retry
),
removed AS (
  DELETE FROM millrace.job_queue q USING decided d WHERE q.id = d.id AND NOT d.retry
),
completed AS (
  INSERT INTO millrace.job_completed (id, status, result, error, worker, attempt, started_at, completed_at, duration_ms)
  SELECT id, status, result, error, worker, attempt, started_at, now(),
         coalesce(duration_ms, (extract(epoch FROM clock_timestamp() - started_at) * 1000)::int)
  FROM decided WHERE NOT retry
  RETURNING id
),
notified AS (
  SELECT pg_notify('millrace_done', string_agg(id::text, ',')) FROM (
    SELECT id, (row_number() OVER ()) / 400 AS chunk FROM completed
  ) c GROUP BY chunk
)
SELECT d.id::text AS id, d.retry, (SELECT count(*) FROM notified) AS notified FROM decided d`;

