-- The claim's UPDATE finds the rows `picked` has just locked by their ctid (a TID scan) instead of
-- probing job_queue_pkey once per id: 0.2 ms instead of 0.6 ms for 1000 rows (EXPLAIN ANALYZE of
-- the function's statement, 20,000-job backlog). The ctids are stable: this statement holds the
-- row locks from `picked` until it commits, so no one can update, delete or prune those tuples.
-- In the one race where `picked` locks a newer version than this statement's snapshot sees (a job
-- claimed and released again meanwhile), the TID scan does not see it and the job simply stays
-- queued for the next claim. The planner picks the TID scan even on stale statistics (it is costed
-- per array element, a sequential scan per table page).
-- Everything else is 0002's function unchanged, enable_bitmapscan = off included (see there).
CREATE OR REPLACE FUNCTION millrace.claim_jobs(p_worker text, p_tags text[], p_limit integer)
RETURNS TABLE (id text, token text, attempt integer, tag text, started_at_ms float8, path text,
               hash text, args jsonb, max_attempts integer, timeout_ms integer, created_at_ms float8)
LANGUAGE sql
SET enable_bitmapscan = off
AS $claim$
WITH picked AS (
  SELECT p.ctid FROM unnest(p_tags) AS t(tag)
  CROSS JOIN LATERAL (
    SELECT q.ctid, q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
    WHERE q.tag = t.tag AND NOT q.running AND q.scheduled_for <= now()
    ORDER BY q.priority DESC, q.scheduled_for, q.id
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  ) p
  ORDER BY p.priority DESC, p.scheduled_for, p.id
  LIMIT p_limit
),
claimed AS (
  UPDATE millrace.job_queue q
  SET running = true, worker = p_worker, claim_token = (SELECT nextval('millrace.claim_tokens')),
      started_at = now(), last_ping = now(), attempt = q.attempt + 1
  WHERE q.ctid = ANY (ARRAY(SELECT ctid FROM picked))
  RETURNING q.id, q.claim_token, q.attempt, q.tag, q.priority, q.started_at, q.scheduled_for
)
SELECT c.id::text AS id, c.claim_token::text AS token, c.attempt, c.tag,
       date_part('epoch', c.started_at) * 1000 AS started_at_ms,
       j.path, j.script_hash AS hash, j.args, j.max_attempts, j.timeout_ms,
       date_part('epoch', j.created_at) * 1000 AS created_at_ms
FROM claimed c
JOIN millrace.jobs j ON j.id = c.id
ORDER BY c.priority DESC, c.scheduled_for, c.id;
$claim$;
