/**
 * Ends a batch of claimed jobs in one statement (group commit).
 * $1..$8, one array per column, a row per job: id bigint[], token bigint[], status text[]
 * (success|failure|canceled), result jsonb[], error jsonb[], retryable bool[], duration_ms int[],
 * started_at_ms float8[] (when the worker really started the job: a prefetched job waits a little
 * after its claim). Parallel arrays parse faster than one JSON document of objects: 1000 rows
 * measured 2.0 ms against 2.7 ms for json_to_recordset, round trip included. $4..$8 may be
 * shorter than $1 (empty when every value is null): unnest pads them with nulls.
 * $9 retry backoff base (ms), $10 backoff cap (ms).
 * Only rows whose claim token still matches are touched (fencing): a job reaped and re-claimed
 * meanwhile keeps its new owner, and the stale input row is reported by its absence. The token is
 * in the DELETE/UPDATE conditions themselves, so a row changed by a concurrent reaper is re-checked
 * against them. No separate SELECT … FOR UPDATE pass: alternating the two forms on batches of
 * 1000 completions measured 9.8 ms against 10.9–11.4 ms per batch.
 * A failure with attempts left (lost attempts excluded) is re-queued with exponential backoff and
 * its attempt recorded; everything else leaves the queue and gets its completed row. The two
 * conditions are exact opposites, so each row is either updated or deleted, never both.
 * One NOTIFY per 400 finished ids wakes `wait()` callers (payload: comma-separated ids).
 * Returns one row: `retried` ids, and `removed` ids only when some input row matched nothing (so
 * the caller can tell completed from stale); when every input row matched, `removed` is null and
 * every id not retried was completed. Matched rows are distinct queue rows (primary key), so the
 * counts can only add up to the input's length when every id is distinct and matched.
 * Against one row per job, and with all-null columns sent as empty arrays (completion-columns.ts):
 * 6.6 → 5.7 µs a job for complete at batch 1000 (20,000-job drains, median of 7, side by side);
 * bench/queue-throughput.mjs shows it with the ctid claim (docs/design.md).
 * The counters (sql/counters.ts) are kept in the same statement, from `ended`.
 * A job with a flow key (a concurrency or rate limit) that leaves the running state NOTIFYs its
 * tag: a slot of its key is free, and a worker that found the key full may claim again.
 */
import { DONE_CHANNEL } from '../channels';
import { COUNTED, countEnded, UNSUCCESSFUL_ONLY } from './counters';

const RETRY = `(i.status = 'failure' AND coalesce(i.retryable, true) AND NOT q.cancel_requested
          AND q.attempt - q.lost_attempts < q.max_attempts)`;

export const COMPLETE_JOBS = `
WITH input AS MATERIALIZED (
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::jsonb[], $5::jsonb[], $6::boolean[],
                       $7::int[], $8::float8[])
    AS t(id, token, status, result, error, retryable, duration_ms, started_at_ms)
),
requeued AS (
  UPDATE millrace.job_queue q
  SET running = false, worker = NULL, claim_token = NULL, started_at = NULL, last_ping = NULL,
      scheduled_for = now() + make_interval(secs => least($9::float8 * 2 ^ (q.attempt - q.lost_attempts - 1), $10::float8) / 1000)
  -- \`was\`: the row before this update (RETURNING shows the new one, whose worker is already NULL)
  FROM input i, millrace.job_queue was
  -- probe the primary key with the ids: a plan built on stale statistics must never scan the queue once per input row
  WHERE q.id = ANY (ARRAY(SELECT id FROM input WHERE status = 'failure'))
    AND q.id = i.id AND was.id = q.id AND q.claim_token = i.token AND q.running AND ${RETRY}
  RETURNING q.id, q.attempt, was.worker, i.error, coalesce(to_timestamp(i.started_at_ms / 1000), was.started_at) AS started_at,
            q.tag, q.flow_key
),
attempts AS (
  INSERT INTO millrace.job_attempts (job_id, attempt, status, error, worker, started_at)
  SELECT id, attempt, 'failure', error, worker, started_at FROM requeued
),
removed AS (
  DELETE FROM millrace.job_queue q
  USING input i
  WHERE q.id = ANY (ARRAY(SELECT id FROM input))
    AND q.id = i.id AND q.claim_token = i.token AND q.running AND NOT ${RETRY}
  RETURNING q.id, i.status, i.result, i.error, q.worker, q.attempt,
            coalesce(to_timestamp(i.started_at_ms / 1000), q.started_at) AS started_at,
            coalesce(i.duration_ms, (date_part('epoch', clock_timestamp()
                     - coalesce(to_timestamp(i.started_at_ms / 1000), q.started_at)) * 1000)::int) AS duration_ms,
            q.tag, q.path, q.scheduled_for, q.flow_key
),
completed AS (
  INSERT INTO millrace.job_completed (id, status, result, error, worker, attempt, started_at, completed_at, duration_ms, tag, path)
  SELECT id, status, result, error, worker, attempt, started_at, now(), duration_ms,
         ${UNSUCCESSFUL_ONLY('tag')}, ${UNSUCCESSFUL_ONLY('path')}
  FROM removed
  RETURNING id
),
${countEnded(
  // from removed, not joined to completed: a join of two CTE scans is planned blind, and was a
  // nested loop over both (1000 × 1000 rows, 150 ms at batch 1000)
  `SELECT tag, status, duration_ms, greatest(0, date_part('epoch', started_at - scheduled_for) * 1000) AS latency_ms
  FROM removed`,
)},
-- a limited job that ends frees a slot of its key: wake the workers of its tag (docs/flow-control.md)
freed AS (
  SELECT pg_notify('millrace_jobs', tag) FROM (
    SELECT DISTINCT tag FROM (SELECT tag, flow_key FROM removed UNION ALL SELECT tag, flow_key FROM requeued) f
    WHERE flow_key IS NOT NULL
  ) d
),
notified AS (
  SELECT pg_notify('${DONE_CHANNEL}', string_agg(id::text, ',')) FROM (
    SELECT id, (row_number() OVER ()) / 400 AS chunk FROM completed
  ) c GROUP BY chunk
)
SELECT ARRAY(SELECT id::text FROM requeued) AS retried,
       CASE WHEN (SELECT count(*) FROM removed) + (SELECT count(*) FROM requeued) = cardinality($1::bigint[])
            THEN NULL ELSE ARRAY(SELECT id::text FROM removed) END AS removed,
       (SELECT count(*) FROM notified) AS notified, (SELECT count(*) FROM freed) AS freed, ${COUNTED}`;
