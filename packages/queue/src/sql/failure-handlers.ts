/**
 * Failure handler jobs. The trigger of migration 0008 records each final failure that has a
 * handler in failure_handler_runs, in the transaction that ends the job; these statements turn
 * those rows into jobs. Each row is locked (SKIP LOCKED: schedulers share the work) and marked
 * with its handler job in the transaction that pushes it, so a failure gets one handler job.
 */

/** $1 limit. Pending rows with what the handler receives. */
export const LOCK_PENDING_FAILURES = `
SELECT r.failed_job_id::text AS id, r.handler, j.path, j.args::text AS args, c.error::text AS error,
       c.attempt, c.worker, c.completed_at
FROM millrace.failure_handler_runs r
JOIN millrace.jobs j ON j.id = r.failed_job_id
JOIN millrace.job_completed c ON c.id = r.failed_job_id
WHERE r.handler_job_id IS NULL AND r.skipped IS NULL
ORDER BY r.failed_job_id
LIMIT $1
FOR UPDATE OF r SKIP LOCKED`;

/** $1 failed job ids, $2 handler job ids (null: skipped), $3 reasons for the skipped */
export const MARK_FAILURES_HANDLED = `
UPDATE millrace.failure_handler_runs r
SET handler_job_id = m.job, skipped = m.reason
FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS m(failed, job, reason)
WHERE r.failed_job_id = m.failed`;

/** Handler scripts named by pending rows (their defaults are read before the pushing transaction). */
export const PENDING_HANDLERS = `
SELECT DISTINCT handler FROM millrace.failure_handler_runs WHERE handler_job_id IS NULL AND skipped IS NULL`;
