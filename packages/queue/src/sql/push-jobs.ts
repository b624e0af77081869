import { JOBS_CHANNEL } from '../channels';
/**
 * Pushes a batch of jobs in one statement.
 * $1 json: [{ path, hash, args, tag, priority, max_attempts, timeout_ms, scheduled_for, rerun_of }]
 * Ids are taken from the sequence up front so the job row and the queue row are written together;
 * one NOTIFY per distinct tag wakes idle workers (payload: the tag).
 * The input is one JSON document rather than parallel arrays: one parameter, the same on pg and
 * PGlite, and PostgreSQL parses 10,000 rows of it in a few milliseconds.
 */
export const PUSH_JOBS = `
WITH input AS MATERIALIZED (
  SELECT nextval('millrace.job_ids') AS id, t.*
  FROM ROWS FROM (json_to_recordset($1::json) AS (
    path text, hash text, args jsonb, tag text, priority int, max_attempts int, timeout_ms int,
    scheduled_for timestamptz, rerun_of bigint))
  WITH ORDINALITY AS t(path, hash, args, tag, priority, max_attempts, timeout_ms, scheduled_for, rerun_of, ord)
  ORDER BY t.ord
),
job_rows AS (
  INSERT INTO millrace.jobs (id, path, script_hash, args, tag, priority, max_attempts, timeout_ms, rerun_of)
  SELECT id, path, decode(hash, 'hex'), args, tag, priority, max_attempts, timeout_ms, rerun_of FROM input
),
queue_rows AS (
  INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts, path)
  SELECT id, tag, priority, coalesce(scheduled_for, now()), max_attempts, path FROM input
)
SELECT i.id::text AS id,
       (SELECT count(pg_notify('${JOBS_CHANNEL}', tag)) FROM (SELECT DISTINCT tag FROM input) d) AS notified
FROM input i
ORDER BY i.ord`;

/**
 * The same for a batch in which some job carries a concurrency or unique key: the function
 * millrace.push_keyed_jobs (packages/db/migrations/0009_flow_control.sql, as replaced by 0011) takes the rows above plus
 * concurrency_key, flow_key, max_running, rate_max, rate_window_ms, unique_key, unique_mode and
 * debounce_ms, and returns one id per input row in order (a deduplicated row: the live job's id).
 * Batches without keys never come here: the plain statement stays as it was.
 */
export const PUSH_KEYED_JOBS = 'SELECT id FROM millrace.push_keyed_jobs($1::json)';
