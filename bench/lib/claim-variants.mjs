// Claim statements compared by bench/queue-profile.mjs --variants: the queue's own CLAIM_JOBS and
// the `tag = ANY($2)` statement it replaced. Same parameters and result columns: $1 worker,
// $2 tags text[], $3 limit. The adopted statement's header in packages/queue records the result.
import { queueStatements } from '@millrace/queue';

const { CLAIM_JOBS } = queueStatements;

/** Before: one bitmap scan for all tags; PostgreSQL 15 cannot walk the claim index in order for it. */
export const CLAIM_ANY_TAG = CLAIM_JOBS.replace(
  /WITH picked AS \([\s\S]*?\n\),\nclaimed/,
  `WITH picked AS (
  SELECT id FROM millrace.job_queue
  WHERE NOT running AND tag = ANY($2::text[]) AND scheduled_for <= now()
  ORDER BY priority DESC, scheduled_for, id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
claimed`,
);

export const claimVariants = {
  'tag = ANY($2), one bitmap scan (before)': CLAIM_ANY_TAG,
  'per-tag LATERAL + UPDATE by id (CLAIM_JOBS, current)': CLAIM_JOBS,
};
