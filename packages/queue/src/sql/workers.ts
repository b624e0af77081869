import { JOBS_CHANNEL } from '../channels';
/** Registers (or re-registers) a live worker. */
export const REGISTER_WORKER = `
INSERT INTO millrace.workers (name, group_name, tags, dedicated_script, pid, host)
VALUES ($1, $2, $3::text[], $4, $5, $6)
ON CONFLICT (name) DO UPDATE SET
  group_name = EXCLUDED.group_name, tags = EXCLUDED.tags, dedicated_script = EXCLUDED.dedicated_script,
  pid = EXCLUDED.pid, host = EXCLUDED.host, last_ping = now(), stopped_at = NULL`;

export const UPDATE_WORKER_TAGS = `
UPDATE millrace.workers SET group_name = $2, tags = $3::text[], dedicated_script = $4, last_ping = now() WHERE name = $1`;

export const STOP_WORKER = `
UPDATE millrace.workers SET stopped_at = now(), current_jobs = '{}', jobs_done = coalesce($2::bigint, jobs_done)
WHERE name = $1`;

/** Workers seen in the last $1 ms (stopped or not), newest first; `alive` uses $2 ms. */
export const LIST_WORKERS = `
SELECT name, group_name, tags, dedicated_script, pid, host, started_at, last_ping, jobs_done, current_jobs, stopped_at,
       (stopped_at IS NULL AND last_ping > now() - make_interval(secs => $2::float8 / 1000)) AS alive
FROM millrace.workers
WHERE last_ping > now() - make_interval(secs => $1::float8 / 1000)
ORDER BY started_at DESC`;

/**
 * Gives claimed jobs that never started back to the queue (a stopping worker's prefetched jobs):
 * the claim is undone, the attempt not counted. $1 json: [{ id, token }].
 */
export const RELEASE_JOBS = `
WITH released AS (
  UPDATE millrace.job_queue q
  SET running = false, worker = NULL, claim_token = NULL, started_at = NULL, last_ping = NULL,
      attempt = q.attempt - 1
  FROM json_to_recordset($1::json) AS t(id bigint, token bigint)
  WHERE q.id = t.id AND q.claim_token = t.token AND q.running
    AND q.id = ANY (ARRAY(SELECT (e ->> 'id')::bigint FROM json_array_elements($1::json) e))
  RETURNING q.id, q.tag
)
SELECT r.id::text AS id, (SELECT count(pg_notify('${JOBS_CHANNEL}', tag)) FROM (SELECT DISTINCT tag FROM released) d) AS n
FROM released r`;

/**
 * Gives back jobs claimed by worker $1 that it does not hold ($2 the ids it holds): claims whose
 * reply was lost with the connection. Nobody runs them, so they are re-queued at once rather than
 * waiting for the reaper, and the attempt is not counted.
 */
export const RELEASE_ORPHANED_CLAIMS = `
WITH released AS (
  UPDATE millrace.job_queue q
  SET running = false, worker = NULL, claim_token = NULL, started_at = NULL, last_ping = NULL,
      attempt = q.attempt - 1
  WHERE q.running AND q.worker = $1 AND NOT (q.id = ANY ($2::bigint[]))
  RETURNING q.id, q.tag
)
SELECT r.id::text AS id, (SELECT count(pg_notify('${JOBS_CHANNEL}', tag)) FROM (SELECT DISTINCT tag FROM released) d) AS n
FROM released r`;
