// Claim statements tried against Millrace's schema (bench/queue-profile.mjs --variants). Same
// parameters and result columns as CLAIM_JOBS: $1 worker, $2 tags text[], $3 limit.
import { CLAIM_JOBS } from './queue-sql.mjs';

const CLAIMED_AND_JOINED = `
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
 * One ordered index scan per tag (LATERAL over unnest($2)), each stopping after $3 rows, merged and
 * cut to $3. PostgreSQL 15 cannot walk job_queue_claim_idx in order for `tag = ANY($2)`, so the
 * current statement sorts the whole runnable backlog on every claim.
 */
export const CLAIM_PER_TAG = `
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
),${CLAIMED_AND_JOINED}`;

/** Diagnostic only (one tag): the same statement with `tag = $2[1]`, an ordered index scan. */
export const CLAIM_SCALAR_TAG = CLAIM_JOBS.replace('tag = ANY($2::text[])', 'tag = ($2::text[])[1]');

/**
 * CLAIM_PER_TAG, and the UPDATE finds its rows by primary key (`q.id = ANY(ARRAY(…))`) instead of
 * hash-joining the CTE against a sequential scan of the whole queue table.
 */
export const CLAIM_PER_TAG_BY_ID = CLAIM_PER_TAG.replace(
  `  FROM picked
  WHERE q.id = picked.id`,
  `  WHERE q.id = ANY (ARRAY(SELECT id FROM picked))`,
);

export const claimVariants = {
  'current CLAIM_JOBS (tag = ANY($2))': CLAIM_JOBS,
  'scalar tag = $2[1] (diagnostic, 1 tag only)': CLAIM_SCALAR_TAG,
  'per-tag LATERAL, ordered index scan': CLAIM_PER_TAG,
  'per-tag LATERAL + UPDATE by id = ANY(ARRAY(picked)) (proposed)': CLAIM_PER_TAG_BY_ID,
};
