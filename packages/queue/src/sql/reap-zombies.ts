import { DONE_CHANNEL, JOBS_CHANNEL } from '../channels';
import { COUNTED, countEnded } from './counters';

/**
 * Re-queues or fails running jobs whose last ping is older than $1 ms (their worker died or hung).
 * $2: how many lost attempts a job may have before it fails for good.
 * Lost attempts do not use up max_attempts: a job that never failed should not fail because
 * a machine did. A job whose cancel was requested ends canceled. A re-queued job keeps its
 * scheduled_for, so it goes back to its place at the head of the line, not behind the backlog
 * pushed while it ran. Locking: FOR UPDATE SKIP LOCKED, so several reapers can run at once.
 */
export const REAP_ZOMBIES = lostAttempts(`
  SELECT q.id, q.tag, q.attempt, q.lost_attempts, q.worker, q.started_at, q.last_ping, q.cancel_requested,
         q.scheduled_for, q.path,
         (NOT q.cancel_requested
          AND (q.lost_attempts < $2 OR q.attempt - q.lost_attempts < q.max_attempts)) AS requeue,
         jsonb_build_object(
           'name', 'WorkerLostError', 'reason', 'worker_lost',
           'message', format('worker %s stopped heartbeating (last ping %s ago)', q.worker,
                             date_trunc('second', now() - q.last_ping))) AS error
  FROM millrace.job_queue q
  WHERE q.running AND q.last_ping < now() - make_interval(secs => $1::float8 / 1000)
  FOR UPDATE OF q SKIP LOCKED`);

/**
 * The same for jobs their own worker gives up (a stop past its timeout: `queue.abandon`), at once
 * rather than after their pings go stale. $1 json [{ id, token }] (only rows whose claim token
 * still matches), $2 as above, $3 the message. Waits for row locks: nobody else holds these rows
 * for long (pings and reapers skip locked rows, and this worker no longer completes them).
 */
export const ABANDON_JOBS = lostAttempts(`
  SELECT q.id, q.tag, q.attempt, q.lost_attempts, q.worker, q.started_at, q.last_ping, q.cancel_requested,
         q.scheduled_for, q.path,
         (NOT q.cancel_requested
          AND (q.lost_attempts < $2 OR q.attempt - q.lost_attempts < q.max_attempts)) AS requeue,
         jsonb_build_object('name', 'WorkerStoppedError', 'reason', 'worker_stopped', 'message', $3::text) AS error
  FROM millrace.job_queue q
  JOIN json_to_recordset($1::json) AS t(id bigint, token bigint) ON q.id = t.id AND q.claim_token = t.token
  WHERE q.running AND q.id = ANY (ARRAY(SELECT (e ->> 'id')::bigint FROM json_array_elements($1::json) e))
  ORDER BY q.id
  FOR UPDATE OF q`);

/**
 * Re-queues (or ends) the `stale` rows selected by `selectStale`, recording each lost attempt. A job
 * that ends here is counted like a completion (sql/counters.ts), without a run time.
 */
function lostAttempts(selectStale: string): string {
  return `
WITH stale AS MATERIALIZED (${selectStale}
),
requeued AS (
  UPDATE millrace.job_queue q
  SET running = false, worker = NULL, claim_token = NULL, started_at = NULL, last_ping = NULL,
      lost_attempts = q.lost_attempts + 1
  FROM stale s WHERE q.id = s.id AND s.requeue
  RETURNING q.id, q.tag
),
attempts AS (
  INSERT INTO millrace.job_attempts (job_id, attempt, status, error, worker, started_at)
  SELECT id, attempt, 'lost', error, worker, started_at FROM stale WHERE requeue
),
removed AS (
  DELETE FROM millrace.job_queue q USING stale s WHERE q.id = s.id AND NOT s.requeue
),
completed AS (
  INSERT INTO millrace.job_completed (id, status, error, worker, attempt, started_at, completed_at, tag, path)
  SELECT id, CASE WHEN cancel_requested THEN 'canceled' ELSE 'failure' END, error, worker, attempt, started_at, now(),
         tag, path
  FROM stale WHERE NOT requeue
  RETURNING id
),
${countEnded(
  `SELECT tag, CASE WHEN cancel_requested THEN 'canceled' ELSE 'failure' END AS status, NULL::int AS duration_ms,
         greatest(0, date_part('epoch', started_at - scheduled_for) * 1000) AS latency_ms
  FROM stale WHERE NOT requeue`,
)}
SELECT s.id::text AS id, s.requeue, s.worker,
       (SELECT count(pg_notify('${JOBS_CHANNEL}', tag)) FROM (SELECT DISTINCT tag FROM requeued) t) AS n1,
       (SELECT count(pg_notify('${DONE_CHANNEL}', id::text)) FROM completed) AS n2, ${COUNTED}
FROM stale s`;
}
