// Claim statements compared by bench/queue-profile.mjs --variants: the queue's own claim
// (the function millrace.claim_jobs), its body run as a bare statement (planner defaults), the
// `tag = ANY($2)` statement it replaced, and its UPDATE finding rows by id instead of ctid (before
// migration 0003). Same parameters and result columns: $1 worker, $2 tags text[], $3 limit. The
// adopted statement's header in packages/queue records the result.
import { queueStatements } from '@millrace/queue';

/** The claim function's body as a bare statement, read from the migrated database `db`. */
async function claimStatement(db) {
  const { rows } = await db.query(
    `SELECT prosrc FROM pg_proc WHERE proname = 'claim_jobs' AND pronamespace = 'millrace'::regnamespace`,
  );
  return rows[0].prosrc
    .trim()
    .replace(/;$/, '')
    .replaceAll('p_worker', '$1')
    .replaceAll('p_tags', '$2::text[]')
    .replaceAll('p_limit', '$3');
}

/** Label → statement, for the database `db`. */
export async function claimVariants(db) {
  const statement = await claimStatement(db);
  // Before: one bitmap scan for all tags; PostgreSQL 15 cannot walk the claim index in order for it.
  const anyTag = statement.replace(
    /WITH picked AS \([\s\S]*?\n\),\nclaimed/,
    `WITH picked AS (
  SELECT ctid FROM millrace.job_queue
  WHERE NOT running AND tag = ANY($2::text[]) AND scheduled_for <= now()
  ORDER BY priority DESC, scheduled_for, id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
),
claimed`,
  );
  if (anyTag === statement) throw new Error('claim-variants: the claim statement no longer has a picked CTE');
  // Before 0003: the UPDATE probed job_queue_pkey once per picked id.
  const byId = statement
    .replace('SELECT p.ctid FROM unnest', 'SELECT p.id FROM unnest')
    .replace(
      'WHERE q.ctid = ANY (ARRAY(SELECT ctid FROM picked))',
      'WHERE q.id = ANY (ARRAY(SELECT id FROM picked))',
    );
  if (byId === statement) throw new Error('claim-variants: the claim UPDATE no longer matches by ctid');
  return {
    'tag = ANY($2), one bitmap scan (before)': anyTag,
    'UPDATE by id, bare statement (before 0003)': byId,
    'per-tag LATERAL, bare statement (planner defaults)': statement,
    'millrace.claim_jobs(), enable_bitmapscan off (current)': queueStatements.CLAIM_JOBS,
  };
}
