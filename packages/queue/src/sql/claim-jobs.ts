/**
 * Claims up to $3 runnable jobs of the tags $2 for worker $1, in one statement.
 * Locking: FOR UPDATE SKIP LOCKED, so concurrent claimers never wait on or double-claim a row.
 * Order: priority DESC, scheduled_for, id. One ordered scan of job_queue_claim_idx per tag
 * (LATERAL), stopping at $3 rows: `tag = ANY($2)` instead makes PostgreSQL 15 read and sort every
 * queued row of those tags, which grows with the backlog. The UPDATE finds the rows `picked` locked
 * through an array of their ctids (a TID scan: it never falls back to a scan of the queue, and
 * skips one job_queue_pkey probe per row; migration 0003): bench/queue-profile.mjs --variants,
 * 20,000 jobs at batch 1000, 6.4–6.6 µs a job to claim against 6.9–7.3 matching ids.
 * Every claim statement draws one fresh token for all the jobs it claims: completion and
 * heartbeat must present it (fencing). A job is claimed at most once per statement, so its tokens
 * still differ from one claim to the next; one nextval per batch instead of per row.
 * Times come back as epoch milliseconds (float8): parsing 2 timestamptz strings a row cost the
 * client ~0.9 µs of the ~22 µs a job takes at batch 1000.
 * Measured with bench/queue-profile.mjs --variants (batch 1000 over a 50,000-job backlog): about
 * 22k jobs/s with `tag = ANY`, 33k with this statement.
 *
 * The statement lives in the function millrace.claim_jobs (packages/db/migrations/
 * 0002_claim_function.sql, replaced by 0003_claim_by_ctid.sql, 0004 (PL/pgSQL), 0009, which
 * adds concurrency and rate limits: docs/flow-control.md, and 0011, which makes its common case one
 * statement) for one reason: it runs with enable_bitmapscan = off. A freshly filled
 * queue has no statistics yet, and the planner then reads and sorts every queued row of the tag
 * instead of walking the index (27.8 ms instead of 7.6 ms for 1000 jobs over 50,000).
 */
export const CLAIM_JOBS = 'SELECT * FROM millrace.claim_jobs($1, $2, $3)';
