-- History in id ranges (docs/history.md). jobs, job_completed, job_attempts and job_logs are range
-- partitioned by job id, all four on the same bounds, so a range of old jobs is removed by dropping
-- four tables instead of deleting rows one by one. Job ids come from one sequence, so a range is
-- a stretch of push time: the queue's maintenance starts a new range every day (it moves the
-- sequence to the next range's first id) and drops a range once everything in it finished longer
-- ago than the retention. The existing tables become range 1, unchanged apart from script_hash.
-- No default partition: ALTER TABLE … DETACH PARTITION CONCURRENTLY needs its absence, and a push
-- past the last range is caught and retried by the queue after adding one.

-- One row per id range: [lo, hi). sealed_at: when the range stopped receiving new ids.
CREATE TABLE millrace.history_ranges (
  n          integer PRIMARY KEY,
  lo         bigint NOT NULL,
  hi         bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sealed_at  timestamptz
);

-- One maintainer at a time, across processes: a lease rather than an advisory lock, because
-- DETACH … CONCURRENTLY cannot run inside the transaction an xact lock would need, and a
-- session lock would need one pooled connection for the whole pass.
CREATE TABLE millrace.history_lease (
  id     boolean PRIMARY KEY DEFAULT true CHECK (id),
  holder text,
  until  timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO millrace.history_lease DEFAULT VALUES;

ALTER TABLE millrace.jobs RENAME TO jobs_r1;
ALTER INDEX millrace.jobs_pkey RENAME TO jobs_r1_pkey;
ALTER INDEX millrace.jobs_path_idx RENAME TO jobs_r1_path_idx;
ALTER INDEX millrace.jobs_tag_idx RENAME TO jobs_r1_tag_idx;
ALTER TABLE millrace.jobs_r1 ALTER COLUMN id DROP DEFAULT;
-- The script's content hash as 32 bytes instead of 64 hex characters: 32 bytes less per job.
ALTER TABLE millrace.jobs_r1 ALTER COLUMN script_hash TYPE bytea USING decode(script_hash, 'hex');

CREATE TABLE millrace.jobs (
  id           bigint NOT NULL DEFAULT nextval('millrace.job_ids'),
  path         text NOT NULL,
  script_hash  bytea NOT NULL,
  args         jsonb NOT NULL,
  tag          text NOT NULL,
  priority     integer NOT NULL,
  max_attempts integer NOT NULL,
  timeout_ms   integer,
  rerun_of     bigint,
  created_at   timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (id);

ALTER TABLE millrace.job_completed RENAME TO job_completed_r1;
ALTER INDEX millrace.job_completed_pkey RENAME TO job_completed_r1_pkey;
ALTER INDEX millrace.job_completed_at_idx RENAME TO job_completed_r1_at_idx;
CREATE TABLE millrace.job_completed (
  id           bigint NOT NULL,
  status       text NOT NULL,
  result       jsonb,
  error        jsonb,
  worker       text,
  attempt      integer NOT NULL,
  started_at   timestamptz,
  completed_at timestamptz NOT NULL DEFAULT now(),
  duration_ms  integer
) PARTITION BY RANGE (id);

ALTER TABLE millrace.job_attempts RENAME TO job_attempts_r1;
ALTER INDEX millrace.job_attempts_pkey RENAME TO job_attempts_r1_pkey;
CREATE TABLE millrace.job_attempts (
  job_id     bigint NOT NULL,
  attempt    integer NOT NULL,
  status     text NOT NULL,
  error      jsonb,
  worker     text,
  started_at timestamptz,
  ended_at   timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (job_id);

ALTER TABLE millrace.job_logs RENAME TO job_logs_r1;
ALTER INDEX millrace.job_logs_pkey RENAME TO job_logs_r1_pkey;
CREATE TABLE millrace.job_logs (
  job_id     bigint NOT NULL,
  attempt    integer NOT NULL,
  seq        integer NOT NULL,
  text       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (job_id);

-- Range 1 holds every id given so far and the next 10^10.
DO $range1$
DECLARE
  v_hi bigint := (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM millrace.job_ids) + 1 + 10000000000;
BEGIN
  EXECUTE format('ALTER TABLE millrace.jobs ATTACH PARTITION millrace.jobs_r1 FOR VALUES FROM (0) TO (%s)', v_hi);
  EXECUTE format('ALTER TABLE millrace.job_completed ATTACH PARTITION millrace.job_completed_r1 FOR VALUES FROM (0) TO (%s)', v_hi);
  EXECUTE format('ALTER TABLE millrace.job_attempts ATTACH PARTITION millrace.job_attempts_r1 FOR VALUES FROM (0) TO (%s)', v_hi);
  EXECUTE format('ALTER TABLE millrace.job_logs ATTACH PARTITION millrace.job_logs_r1 FOR VALUES FROM (0) TO (%s)', v_hi);
  INSERT INTO millrace.history_ranges (n, lo, hi) VALUES (1, 0, v_hi);
END
$range1$;

-- Indexes on the parents: the ones range 1 already has are attached, not rebuilt.
ALTER TABLE millrace.jobs ADD PRIMARY KEY (id);
CREATE INDEX jobs_path_idx ON millrace.jobs (path, id DESC);
CREATE INDEX jobs_tag_idx ON millrace.jobs (tag, id DESC);
ALTER TABLE millrace.job_completed ADD PRIMARY KEY (id);
CREATE INDEX job_completed_at_idx ON millrace.job_completed USING brin (completed_at);
ALTER TABLE millrace.job_attempts ADD PRIMARY KEY (job_id, attempt);
ALTER TABLE millrace.job_logs ADD PRIMARY KEY (job_id, attempt, seq);

-- Adds range n+1 = [hi of the last range, p_hi) to the four tables. Each partition is created on
-- its own and then attached: ATTACH takes SHARE UPDATE EXCLUSIVE on the parent, which does not
-- block pushes, claims or completions (CREATE TABLE … PARTITION OF would take ACCESS EXCLUSIVE).
-- Returns the new range's number. Callers serialise through millrace.history_lease.
CREATE FUNCTION millrace.add_history_range(p_hi bigint) RETURNS integer
LANGUAGE plpgsql AS $add$
DECLARE
  v_n  integer;
  v_lo bigint;
  t    text;
BEGIN
  SELECT n + 1, hi INTO v_n, v_lo FROM millrace.history_ranges ORDER BY n DESC LIMIT 1;
  IF v_n IS NULL THEN
    v_n := 1;
    v_lo := 0;
  END IF;
  IF p_hi <= v_lo THEN
    RAISE EXCEPTION 'range end % is not after the last range end %', p_hi, v_lo;
  END IF;
  FOREACH t IN ARRAY ARRAY['jobs', 'job_completed', 'job_attempts', 'job_logs'] LOOP
    EXECUTE format('CREATE TABLE millrace.%I (LIKE millrace.%I INCLUDING DEFAULTS)', t || '_r' || v_n, t);
    EXECUTE format('ALTER TABLE millrace.%I ATTACH PARTITION millrace.%I FOR VALUES FROM (%s) TO (%s)',
                   t, t || '_r' || v_n, v_lo, p_hi);
  END LOOP;
  INSERT INTO millrace.history_ranges (n, lo, hi) VALUES (v_n, v_lo, p_hi);
  RETURN v_n;
END
$add$;

-- The claim as in 0003, with the hash read back as hex, now in PL/pgSQL for its plan cache.
-- A LANGUAGE sql function is planned again on every call, and planning the join to a partitioned
-- jobs table grows with the number of ranges: 0.16-0.25 ms with one range, 0.75-0.83 ms with 32
-- (EXPLAIN SUMMARY of the statement, one session, 6 runs each). PL/pgSQL keeps one generic plan per
-- session, in which the join prunes ranges at run time (one index probe per claimed job). Looping
-- the claim in the server, 100 single-job claims ×10 against 5×1000-job claims, the SQL function
-- took 670-860 µs a call with one range and this one 270-290 µs at batch 1, 13-24 µs a job either
-- way at batch 1000. A generic plan is made once without knowing the queue's size, so index scans
-- are the only choice left to it (enable_seqscan and enable_bitmapscan off): the claim index for
-- the queue, a TID scan to update, the primary key of jobs.
CREATE OR REPLACE FUNCTION millrace.claim_jobs(p_worker text, p_tags text[], p_limit integer)
RETURNS TABLE (id text, token text, attempt integer, tag text, started_at_ms float8, path text,
               hash text, args jsonb, max_attempts integer, timeout_ms integer, created_at_ms float8)
LANGUAGE plpgsql
SET enable_bitmapscan = off
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $claim$
#variable_conflict use_column
BEGIN
RETURN QUERY
WITH picked AS (
  SELECT p.ctid FROM unnest(p_tags) AS t(tag)
  CROSS JOIN LATERAL (
    SELECT q.ctid, q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
    WHERE q.tag = t.tag AND NOT q.running AND q.scheduled_for <= now()
    ORDER BY q.priority DESC, q.scheduled_for, q.id
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED
  ) p
  ORDER BY p.priority DESC, p.scheduled_for, p.id
  LIMIT p_limit
),
claimed AS (
  UPDATE millrace.job_queue q
  SET running = true, worker = p_worker, claim_token = (SELECT nextval('millrace.claim_tokens')),
      started_at = now(), last_ping = now(), attempt = q.attempt + 1
  WHERE q.ctid = ANY (ARRAY(SELECT ctid FROM picked))
  RETURNING q.id, q.claim_token, q.attempt, q.tag, q.priority, q.started_at, q.scheduled_for
)
SELECT c.id::text AS id, c.claim_token::text AS token, c.attempt, c.tag,
       date_part('epoch', c.started_at) * 1000 AS started_at_ms,
       j.path, encode(j.script_hash, 'hex') AS hash, j.args, j.max_attempts, j.timeout_ms,
       date_part('epoch', j.created_at) * 1000 AS created_at_ms
FROM claimed c
JOIN millrace.jobs j ON j.id = c.id
ORDER BY c.priority DESC, c.scheduled_for, c.id;
END
$claim$;
