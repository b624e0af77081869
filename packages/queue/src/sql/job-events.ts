/** Reads behind queue.events(): the jobs a notification names, one statement per notification. */

/** $1 ids of ended jobs (from millrace_done) */
export const ENDED_JOBS = `
SELECT c.id::text AS id, c.status, j.path, j.tag, c.attempt, c.worker, c.error, c.result
FROM millrace.job_completed c JOIN millrace.jobs j ON j.id = c.id
WHERE c.id = ANY($1::bigint[])
ORDER BY c.id`;

/** $1 job ids, $2 attempts (from millrace_retried): attempts that did not end their job */
export const RETRIED_ATTEMPTS = `
SELECT a.job_id::text AS id, a.attempt, a.status AS attempt_status, j.path, j.tag, a.worker, a.error
FROM unnest($1::bigint[], $2::int[]) AS k(id, attempt)
JOIN millrace.job_attempts a ON a.job_id = k.id AND a.attempt = k.attempt
JOIN millrace.jobs j ON j.id = k.id`;
