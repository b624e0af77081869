// The history maintenance's statements (history.ts runs them; docs/history.md explains the design).
// History lives in id ranges: jobs, job_completed, job_attempts and job_logs are partitioned on the
// same bounds (packages/db/migrations/0004_history_partitions.sql).

/** The four tables partitioned by job id range, in the order ranges are dropped. */
export const HISTORY_TABLES = ['job_logs', 'job_attempts', 'job_completed', 'jobs'] as const;

/** Takes (or renews) the maintenance lease for $1 for $2 ms; a row back means it is ours. */
export const TAKE_LEASE = `
UPDATE millrace.history_lease SET holder = $1, until = now() + make_interval(secs => $2::float8 / 1000)
WHERE until < now() OR holder = $1
RETURNING holder`;

export const RELEASE_LEASE = `UPDATE millrace.history_lease SET until = '-infinity' WHERE holder = $1`;

/**
 * Every range, oldest first, with the sequence's last id given ($1 ms: cutoff age for `expired`).
 * first_job_ms: when the range's first job was pushed (one primary-key probe per range).
 */
export const HISTORY_STATE = `
SELECT r.n, r.lo::text AS lo, r.hi::text AS hi, r.sealed_at IS NOT NULL AS sealed,
       (r.sealed_at < now() - make_interval(secs => $1::float8 / 1000)) AS expired,
       (SELECT date_part('epoch', j.created_at) * 1000 FROM millrace.jobs j
         WHERE j.id >= r.lo AND j.id < r.hi ORDER BY j.id LIMIT 1) AS first_job_ms,
       (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM millrace.job_ids)::text AS last_id,
       date_part('epoch', now()) * 1000 AS now_ms
FROM millrace.history_ranges r
ORDER BY r.n`;

/** Adds a range [last hi, $1); returns its number. */
export const ADD_RANGE = 'SELECT millrace.add_history_range($1::bigint) AS n';

/** Marks ranges whose every id has been given out ($1 the last id) as sealed. */
export const SEAL_FULL_RANGES = `
UPDATE millrace.history_ranges SET sealed_at = now() WHERE sealed_at IS NULL AND hi <= $1::bigint + 1`;

/** Seals range $1 now (the sequence moves past it). */
export const SEAL_RANGE =
  'UPDATE millrace.history_ranges SET sealed_at = now() WHERE n = $1 AND sealed_at IS NULL';

/**
 * Moves the job id sequence to $1 (the next range's first id minus one), only while it is more than
 * $2 ids short of it: a concurrent push draws at most a few ids between the check and setval, so
 * the sequence can only move forward and never past ids already given.
 */
export const JUMP_SEQUENCE = `
SELECT setval('millrace.job_ids', $1::bigint) AS moved FROM millrace.job_ids
WHERE (CASE WHEN is_called THEN last_value ELSE last_value - 1 END) < $1::bigint - $2::bigint`;

/**
 * Whether range [$1, $2) still holds a queued or running job ($3 cutoff age in ms): `live`; or a
 * job that finished after the cutoff: `recent` (a BRIN index on completed_at keeps this cheap).
 */
export const RANGE_STILL_NEEDED = `
SELECT EXISTS (SELECT 1 FROM millrace.job_queue q WHERE q.id >= $1::bigint AND q.id < $2::bigint) AS live,
       EXISTS (SELECT 1 FROM millrace.job_completed c WHERE c.id >= $1::bigint AND c.id < $2::bigint
               AND c.completed_at >= now() - make_interval(secs => $3::float8 / 1000)) AS recent`;

/**
 * Deletes up to $4 jobs of range [$1, $2) that finished before the cutoff ($3 age in ms), with
 * their logs and attempts: the fallback for a range that a live job keeps from being dropped.
 */
export const PURGE_FINISHED = `
WITH old AS MATERIALIZED (
  SELECT c.id FROM millrace.job_completed c
  WHERE c.id >= $1::bigint AND c.id < $2::bigint
    AND c.completed_at < now() - make_interval(secs => $3::float8 / 1000)
  LIMIT $4
),
completed AS (DELETE FROM millrace.job_completed c WHERE c.id IN (SELECT id FROM old) AND c.id >= $1::bigint AND c.id < $2::bigint),
jobs AS (DELETE FROM millrace.jobs j WHERE j.id IN (SELECT id FROM old) AND j.id >= $1::bigint AND j.id < $2::bigint),
logs AS (DELETE FROM millrace.job_logs l WHERE l.job_id IN (SELECT id FROM old) AND l.job_id >= $1::bigint AND l.job_id < $2::bigint),
attempts AS (DELETE FROM millrace.job_attempts a WHERE a.job_id IN (SELECT id FROM old) AND a.job_id >= $1::bigint AND a.job_id < $2::bigint)
SELECT count(*)::int AS n FROM old`;

/** Which partitions of range $1 exist and which are still attached (a dropped range may be half done). */
export const RANGE_PARTITIONS = `
SELECT t.name, c.oid IS NOT NULL AS present,
       EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) AS attached
FROM unnest($1::text[]) AS t(name)
LEFT JOIN pg_class c ON c.relname = t.name
  AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'millrace')`;

/** Partitions left half-detached by an interrupted DETACH … CONCURRENTLY. */
export const PENDING_DETACHES = `
SELECT p.relname AS parent, c.relname AS name
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace s ON s.oid = p.relnamespace AND s.nspname = 'millrace'
WHERE i.inhdetachpending`;

export const FORGET_RANGE = 'DELETE FROM millrace.history_ranges WHERE n = $1';

/** Worker rows not alive ($1 ms without a ping, or stopped) whose last ping is older than $2 ms. */
export const EXPIRE_WORKERS = `
DELETE FROM millrace.workers
WHERE (stopped_at IS NOT NULL OR last_ping < now() - make_interval(secs => $1::float8 / 1000))
  AND last_ping < now() - make_interval(secs => $2::float8 / 1000)`;

/** Per-second completion counters older than $1 seconds (the chart reads an hour at most). */
/**
 * Deletes the limit rows of concurrency keys no queued or running job uses any more (and with no
 * start left in their rate window); returns how many. The function (migration 0011) locks the
 * candidates SKIP LOCKED, then deletes in a new snapshot: a push holding a key is never robbed of
 * its limit (docs/flow-control.md, "Concurrency keys are pruned").
 */
export const PRUNE_FLOW_KEYS = 'SELECT millrace.prune_flow_limits() AS n';

export const PRUNE_RATES = `
DELETE FROM millrace.job_rate WHERE second < floor(date_part('epoch', now()) - $1::float8)::bigint`;
