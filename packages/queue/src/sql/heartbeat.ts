/**
 * Pings worker $1 and the jobs it holds. $2 json: [{ id, token }], $3 jobs done so far (or null).
 * Returns the held jobs that still belong to this claim, with their cancel flag; a job missing
 * from the answer was reaped and may run elsewhere now — the worker must drop it.
 */
export const HEARTBEAT = `
WITH held AS (
  SELECT * FROM json_to_recordset($2::json) AS t(id bigint, token bigint)
),
pinged AS (
  UPDATE millrace.job_queue q SET last_ping = now()
  FROM held h
  WHERE q.id = h.id AND q.claim_token = h.token AND q.running AND q.id = ANY (ARRAY(SELECT id FROM held))
  RETURNING q.id, q.cancel_requested
),
worker_row AS (
  UPDATE millrace.workers
  SET last_ping = now(), jobs_done = coalesce($3::bigint, jobs_done),
      current_jobs = ARRAY(SELECT id::text FROM held)
  WHERE name = $1
  RETURNING name
)
SELECT id::text AS id, cancel_requested, (SELECT count(*) FROM worker_row)::int AS worker_known FROM pinged`;
