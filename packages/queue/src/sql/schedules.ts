/**
 * Firing schedules (definitions: settings/src/schedule-sql.ts). A tick becomes a job in one
 * transaction: ADVANCE_SCHEDULE moves next_tick on only if it still holds the tick this scheduler
 * read (compare-and-set; a concurrent scheduler blocks on the row lock, then matches nothing),
 * PUSH_JOBS pushes the job, RECORD_SCHEDULE_RUN ties it to (schedule, tick), whose primary key
 * refuses a second job for one tick even if the compare-and-set were bypassed.
 */

/**
 * What a scheduler loop has to do, in one statement (both probes are index-only on partial
 * indexes: schedules_due_idx, failure_handler_runs_pending_idx): how long until the earliest
 * enabled schedule's next tick by the database clock (null: none; ≤ 0: due), and whether
 * failures wait for their handler job.
 */
export const SCHEDULER_PROBE = `
SELECT extract(epoch FROM (SELECT min(next_tick) FROM millrace.schedules WHERE enabled) - now())::float8 * 1000
         AS due_in_ms,
       EXISTS (SELECT 1 FROM millrace.failure_handler_runs WHERE handler_job_id IS NULL AND skipped IS NULL)
         AS failures_pending`;

/** $1 now (null: the database clock), $2 limit. Enabled schedules whose next tick is due. */
export const DUE_SCHEDULES = `
SELECT name, path, args::text AS args, cron, timezone, catch_up, next_tick,
       md5(concat_ws(' ', path, args::text, cron, timezone, catch_up)) AS version,
       coalesce($1::timestamptz, now()) AS now
FROM millrace.schedules
WHERE enabled AND next_tick <= coalesce($1::timestamptz, now())
ORDER BY next_tick
LIMIT $2`;

/**
 * $1 name, $2 the tick read as due, $3 the next tick, $4 the version read with it (the next tick
 * and the job were made from that definition), $5 whether the tick fires. No row when another
 * scheduler fired the tick first or the schedule changed meanwhile.
 */
export const ADVANCE_SCHEDULE = `
UPDATE millrace.schedules
SET next_tick = $3, last_tick = CASE WHEN $5 THEN $2 ELSE last_tick END
WHERE name = $1 AND enabled AND next_tick = $2
  AND md5(concat_ws(' ', path, args::text, cron, timezone, catch_up)) = $4
RETURNING name`;

/** $1 name, $2 tick, $3 job id */
export const RECORD_SCHEDULE_RUN = `
WITH run AS (INSERT INTO millrace.schedule_runs (schedule, tick, job_id) VALUES ($1, $2, $3))
UPDATE millrace.schedules SET last_job_id = $3 WHERE name = $1`;

/**
 * Side rows of jobs that retention dropped: older than the first history range still kept.
 * Bounded by the two tables' own size; run by the scheduler loop now and then.
 */
export const PRUNE_PROVENANCE = `
WITH floor AS (SELECT coalesce(min(lo), 0) AS lo FROM millrace.history_ranges),
runs AS (DELETE FROM millrace.schedule_runs WHERE job_id < (SELECT lo FROM floor) RETURNING 1),
handled AS (DELETE FROM millrace.failure_handler_runs
            WHERE failed_job_id < (SELECT lo FROM floor) AND (handler_job_id IS NOT NULL OR skipped IS NOT NULL)
            RETURNING 1)
SELECT (SELECT count(*) FROM runs)::int AS runs, (SELECT count(*) FROM handled)::int AS handled`;
