/**
 * Claims up to $3 runnable jobs of the tags $2 for worker $1, in one statement.
 * Locking: FOR UPDATE SKIP LOCKED, so concurrent claimers never wait on or double-claim a row.
 * Order: priority DESC, scheduled_for, id. One ordered scan of job_queue_claim_idx per tag
 * (LATERAL), stopping at $3 rows: `tag = ANY($2)` instead makes PostgreSQL 15 read and sort every
 * queued row of those tags, which grows with the backlog. The UPDATE matches ids through an array
 * so it never falls back to a scan of the queue.
 * Every claim statement draws one fresh token for all the jobs it claims: completion and
 * heartbeat must present it (fencing). A job is claimed at most once per statement, so its tokens
 * still differ from one claim to the next; one nextval per batch instead of per row.
 * Times come back as epoch milliseconds (float8): parsing 2 timestamptz strings a row cost the
 * client ~0.9 µs of the ~22 µs a job takes at batch 1000.
 * Measured with bench/queue-profile.mjs --variants (batch 1000 over a 50,000-job backlog): about
 * 22k jobs/s with `tag = ANY`, 33k with this statement.
 */
export const CLAIM_JOBS = `
WITH picked AS (
  SELECT p.id FROM unnest($2::text[]) AS t(tag)
  CROSS JOIN LATERAL (
    SELECT q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
    WHERE q.tag = t.tag AND NOT q.running AND q.scheduled_for <= now()
    ORDER BY q.priority DESC, q.scheduled_for, q.id
    LIMIT $3
    FOR UPDATE SKIP LOCKED
  ) p
  ORDER BY p.priority DESC, p.scheduled_for, p.id
  LIMIT $3
),
claimed AS (
  UPDATE millrace.job_queue q
  SET running = true, worker = $1, claim_token = (SELECT nextval('millrace.claim_tokens')),
      started_at = now(), last_ping = now(), attempt = q.attempt + 1
  WHERE q.id = ANY (ARRAY(SELECT id FROM picked))
  RETURNING q.id, q.claim_token, q.attempt, q.tag, q.priority, q.started_at, q.scheduled_for
)
SELECT c.id::text AS id, c.claim_token::text AS token, c.attempt, c.tag,
       date_part('epoch', c.started_at) * 1000 AS started_at_ms,
       j.path, j.script_hash AS hash, j.args, j.max_attempts, j.timeout_ms,
       date_part('epoch', j.created_at) * 1000 AS created_at_ms
FROM claimed c
JOIN millrace.jobs j ON j.id = c.id
ORDER BY c.priority DESC, c.scheduled_for, c.id`;
