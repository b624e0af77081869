/**
 * Pings worker $1 and the jobs it holds. $2 json: [{ id, token }], $3 jobs done so far (or null).
 * Returns the held jobs that still belong to this claim, with their cancel flag; a job missing
 * from the answer was reaped and may run elsewhere now — the worker must drop it.
 * Ownership is read without locks; the ping skips rows another statement has locked (FOR UPDATE
 * SKIP LOCKED). A ping never waits, so it can never deadlock with a completion that locks the
 * same rows in another order (seen under load: "deadlock detected"); a locked row is being
 * completed or reaped right now, and the next ping sees what came of it.
 */
export const HEARTBEAT = `
WITH held AS (
  SELECT * FROM json_to_recordset($2::json) AS t(id bigint, token bigint)
),
owned AS (
  SELECT q.id, q.cancel_requested FROM millrace.job_queue q
  JOIN held h ON q.id = h.id AND q.claim_token = h.token
  WHERE q.running AND q.id = ANY (ARRAY(SELECT id FROM held))
),
pinged AS (
  UPDATE millrace.job_queue q SET last_ping = now()
  WHERE q.id IN (
    SELECT l.id FROM millrace.job_queue l
    JOIN held h ON l.id = h.id AND l.claim_token = h.token
    WHERE l.running AND l.id = ANY (ARRAY(SELECT id FROM held))
    FOR UPDATE OF l SKIP LOCKED
  )
),
worker_row AS (
  UPDATE millrace.workers
  SET last_ping = now(), jobs_done = coalesce($3::bigint, jobs_done),
      current_jobs = ARRAY(SELECT id::text FROM held)
  WHERE name = $1
  RETURNING name
)
SELECT id::text AS id, cancel_requested, (SELECT count(*) FROM worker_row)::int AS worker_known FROM owned`;
