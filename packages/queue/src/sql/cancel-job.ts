/**
 * Cancels job $1. A queued job ends canceled at once (queue row gone, completed row written);
 * a running one is flagged, and its worker stops it and reports `canceled`.
 * Both branches read one snapshot: exactly one of them can match a given row.
 * $2 the error document stored on a job canceled while queued. Counters: sql/counters.ts.
 */
import { CANCEL_CHANNEL, DONE_CHANNEL } from '../channels';
import { COUNTED, countEnded } from './counters';

export const CANCEL_JOB = `
WITH dequeued AS (
  DELETE FROM millrace.job_queue WHERE id = $1 AND NOT running RETURNING id, attempt, tag, path
),
completed AS (
  INSERT INTO millrace.job_completed (id, status, error, attempt, completed_at, duration_ms, tag, path)
  SELECT id, 'canceled', $2::jsonb, attempt, now(), 0, tag, path FROM dequeued
  RETURNING id
),
${countEnded(`SELECT tag, 'canceled' AS status, 0 AS duration_ms, NULL::float8 AS latency_ms FROM dequeued`)},
flagged AS (
  UPDATE millrace.job_queue SET cancel_requested = true WHERE id = $1 AND running RETURNING id, worker
)
SELECT (SELECT count(*) FROM completed)::int AS canceled,
       (SELECT count(*) FROM flagged)::int AS flagged,
       (SELECT count(pg_notify('${DONE_CHANNEL}', id::text)) FROM completed)::int AS notified_done,
       (SELECT count(pg_notify('${CANCEL_CHANNEL}', id::text)) FROM flagged)::int AS notified_cancel, ${COUNTED}`;
