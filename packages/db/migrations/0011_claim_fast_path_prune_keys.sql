-- Claim speed and pruning of concurrency keys (docs/flow-control.md). Replaces claim_jobs and
-- push_keyed_jobs of 0009 whole, and adds prune_flow_limits.

-- The claim of 0009 with its common case in one statement: the unlimited claim, gated by the
-- probe for queued limited jobs as a one-time filter inside it (so a gated statement reads and
-- locks nothing), instead of the probe as a statement of its own before it. Only when that
-- statement claims nothing (an empty queue, or a limited job queued) does 0009's claim run,
-- unchanged. What was measured (docs/flow-control.md, "Measured"): the separate probe is
-- 4.4–5.6 µs of backend CPU per claim (20,000 probes in a loop); at the batch sizes a draining
-- worker claims (about 740 jobs a claim, 27 claims for a 20,000-job drain) the claim costs the
-- same backend CPU per job with or without it, and the same as 0004's (10.3–10.6 µs a job).
CREATE OR REPLACE FUNCTION millrace.claim_jobs(p_worker text, p_tags text[], p_limit integer)
RETURNS TABLE (id text, token text, attempt integer, tag text, started_at_ms float8, path text,
               hash text, args jsonb, max_attempts integer, timeout_ms integer, created_at_ms float8)
LANGUAGE plpgsql
SET enable_bitmapscan = off
SET enable_seqscan = off
SET plan_cache_mode = force_generic_plan
AS $claim$
#variable_conflict use_column
DECLARE
  v_tag text;
  v_keys text[] := '{}';
  v_locked text[];
BEGIN
  RETURN QUERY
  WITH picked AS (
    SELECT p.ctid FROM unnest(p_tags) AS t(tag)
    CROSS JOIN LATERAL (
      SELECT q.ctid, q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
      WHERE q.tag = t.tag AND NOT q.running AND q.flow_key IS NULL AND q.scheduled_for <= now()
      ORDER BY q.priority DESC, q.scheduled_for, q.id
      LIMIT p_limit
      FOR UPDATE SKIP LOCKED
    ) p
    -- a one-time filter: with a limited job queued for these tags, nothing is read or locked
    WHERE NOT EXISTS (SELECT 1 FROM millrace.job_queue f
                      WHERE f.tag = ANY (p_tags) AND NOT f.running AND f.flow_key IS NOT NULL)
    ORDER BY p.priority DESC, p.scheduled_for, p.id
    LIMIT p_limit
  ),
  claimed AS (
    UPDATE millrace.job_queue q
    SET running = true, worker = p_worker, claim_token = (SELECT nextval('millrace.claim_tokens')),
        started_at = now(), last_ping = now(), attempt = q.attempt + 1,
        unique_key = NULL, started_key = q.unique_key
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
  IF FOUND THEN
    RETURN;
  END IF;

  -- nothing claimed: the queue had no runnable unlimited job, or a limited job is queued; from
  -- here on 0009's claim, unchanged
  IF EXISTS (SELECT 1 FROM millrace.job_queue q
             WHERE q.tag = ANY (p_tags) AND NOT q.running AND q.flow_key IS NOT NULL) THEN
    FOREACH v_tag IN ARRAY p_tags LOOP
      v_keys := v_keys || ARRAY(
        WITH RECURSIVE k(key) AS (
          (SELECT q.flow_key FROM millrace.job_queue q
           WHERE q.tag = v_tag AND NOT q.running AND q.flow_key IS NOT NULL ORDER BY q.flow_key LIMIT 1)
          UNION ALL
          SELECT (SELECT q.flow_key FROM millrace.job_queue q
                  WHERE q.tag = v_tag AND NOT q.running AND q.flow_key > k.key ORDER BY q.flow_key LIMIT 1)
          FROM k WHERE k.key IS NOT NULL
        )
        SELECT key FROM k WHERE key IS NOT NULL);
    END LOOP;

    IF cardinality(v_keys) > 0 THEN
      v_locked := ARRAY(
        SELECT l.key FROM millrace.flow_limits l
        WHERE l.key = ANY (ARRAY(SELECT f.key FROM millrace.flow_room f
                                 WHERE f.key = ANY (v_keys)
                                   AND coalesce(f.running_room, 1) > 0 AND coalesce(f.rate_room, 1) > 0))
        ORDER BY l.key
        FOR NO KEY UPDATE SKIP LOCKED);
    END IF;
  END IF;

  IF cardinality(v_locked) IS NULL OR cardinality(v_locked) = 0 THEN
    RETURN QUERY
    WITH picked AS (
      SELECT p.ctid FROM unnest(p_tags) AS t(tag)
      CROSS JOIN LATERAL (
        SELECT q.ctid, q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
        WHERE q.tag = t.tag AND NOT q.running AND q.flow_key IS NULL AND q.scheduled_for <= now()
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
          started_at = now(), last_ping = now(), attempt = q.attempt + 1,
          unique_key = NULL, started_key = q.unique_key
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
    RETURN;
  END IF;

  RETURN QUERY
  WITH caps AS MATERIALIZED (
    SELECT f.key, greatest(0, least(p_limit, coalesce(f.running_room, p_limit), coalesce(f.rate_room, p_limit))) AS free
    FROM millrace.flow_room f WHERE f.key = ANY (v_locked)
  ),
  limited AS (
    SELECT p.ctid, p.id, p.priority, p.scheduled_for, c.key, c.free FROM caps c
    CROSS JOIN unnest(p_tags) AS t(tag)
    CROSS JOIN LATERAL (
      SELECT q.ctid, q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
      WHERE q.tag = t.tag AND q.flow_key = c.key AND NOT q.running AND q.scheduled_for <= now()
      ORDER BY q.priority DESC, q.scheduled_for, q.id
      LIMIT c.free
      FOR UPDATE SKIP LOCKED
    ) p
    WHERE c.free > 0
  ),
  unlimited AS (
    SELECT p.ctid, p.id, p.priority, p.scheduled_for FROM unnest(p_tags) AS t(tag)
    CROSS JOIN LATERAL (
      SELECT q.ctid, q.id, q.priority, q.scheduled_for FROM millrace.job_queue q
      WHERE q.tag = t.tag AND NOT q.running AND q.flow_key IS NULL AND q.scheduled_for <= now()
      ORDER BY q.priority DESC, q.scheduled_for, q.id
      LIMIT p_limit
      FOR UPDATE SKIP LOCKED
    ) p
  ),
  picked AS (
    SELECT a.ctid FROM (
      -- a key's jobs on several tags: at most its free slots over all of them
      SELECT ctid, id, priority, scheduled_for FROM (
        SELECT l.*, row_number() OVER (PARTITION BY l.key ORDER BY l.priority DESC, l.scheduled_for, l.id) AS n
        FROM limited l) x
      WHERE x.n <= x.free
      UNION ALL
      SELECT ctid, id, priority, scheduled_for FROM unlimited
    ) a
    ORDER BY a.priority DESC, a.scheduled_for, a.id
    LIMIT p_limit
  ),
  claimed AS (
    UPDATE millrace.job_queue q
    SET running = true, worker = p_worker, claim_token = (SELECT nextval('millrace.claim_tokens')),
        started_at = (SELECT clock_timestamp()), last_ping = now(), attempt = q.attempt + 1,
        unique_key = NULL, started_key = q.unique_key
    WHERE q.ctid = ANY (ARRAY(SELECT ctid FROM picked))
    RETURNING q.id, q.claim_token, q.attempt, q.tag, q.priority, q.started_at, q.scheduled_for, q.flow_key
  ),
  started AS (
    UPDATE millrace.flow_limits l
    SET recent_starts = ARRAY(SELECT s FROM unnest(l.recent_starts) s
                              WHERE s > now() - make_interval(secs => l.rate_window_ms / 1000.0))
                        || array_fill(c.started_at, ARRAY[c.n])
    FROM (SELECT flow_key, max(started_at) AS started_at, count(*)::int AS n FROM claimed
          WHERE flow_key IS NOT NULL GROUP BY flow_key) c
    WHERE l.key = c.flow_key AND l.rate_max IS NOT NULL
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
-- 0009's push of keyed batches, with the rows of its keys locked against the pruner (below).
CREATE OR REPLACE FUNCTION millrace.push_keyed_jobs(p_input json) RETURNS TABLE (id text)
LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan
AS $push$
#variable_conflict use_column
DECLARE
  v_rows millrace.push_row[];
  v_heads millrace.push_row[];
  v_has_running boolean;
  v_pending text[];
  v_key text[] := '{}';
  v_job bigint[] := '{}';
  v_replaced bigint[] := '{}';
  v_new_key text[];
  v_new_job bigint[];
  v_running bigint[];
  v_round integer := 0;
  v_flow_keys text[];
BEGIN
  v_rows := ARRAY(
    SELECT ROW(t.ord, nextval('millrace.job_ids'), t.path, t.hash, t.args, t.tag, t.priority,
               t.max_attempts, t.timeout_ms,
               CASE WHEN t.debounce_ms IS NOT NULL THEN now() + make_interval(secs => t.debounce_ms / 1000.0)
                    ELSE coalesce(t.scheduled_for, now()) END,
               t.rerun_of, t.concurrency_key, t.flow_key, t.max_running, t.rate_max, t.rate_window_ms,
               t.unique_key, t.unique_mode)::millrace.push_row
    FROM ROWS FROM (json_to_recordset(p_input) AS (
      path text, hash text, args jsonb, tag text, priority int, max_attempts int, timeout_ms int,
      scheduled_for timestamptz, rerun_of bigint, concurrency_key text, flow_key text, max_running int,
      rate_max int, rate_window_ms int, unique_key text, unique_mode text, debounce_ms int))
    WITH ORDINALITY AS t(path, hash, args, tag, priority, max_attempts, timeout_ms, scheduled_for,
      rerun_of, concurrency_key, flow_key, max_running, rate_max, rate_window_ms, unique_key,
      unique_mode, debounce_ms, ord)
    ORDER BY t.ord);

  -- the limits of the keys pushed: new keys created, then every key's row held FOR KEY SHARE until
  -- this transaction ends, so the pruner (prune_flow_limits, below) cannot delete a row whose jobs
  -- this push is about to write. A key share conflicts with neither a claim's FOR NO KEY UPDATE nor
  -- the updates of limits and starts, so no push waits on a claim. A row deleted by the pruner
  -- between the insert and the lock is not returned by the lock: it is created again.
  v_flow_keys := ARRAY(SELECT DISTINCT r.flow_key FROM unnest(v_rows) r WHERE r.flow_key IS NOT NULL);
  WHILE cardinality(v_flow_keys) > 0 LOOP
    v_round := v_round + 1;
    IF v_round > 10 THEN
      RAISE EXCEPTION 'concurrency key rows kept being pruned while pushing: %', v_flow_keys[1]
        USING ERRCODE = '40001';
    END IF;
    INSERT INTO millrace.flow_limits (key, max_running, rate_max, rate_window_ms)
    SELECT DISTINCT ON (r.flow_key) r.flow_key, r.max_running, r.rate_max, r.rate_window_ms
    FROM unnest(v_rows) r WHERE r.flow_key IN (SELECT unnest(v_flow_keys))
    ORDER BY r.flow_key, r.ord DESC
    ON CONFLICT (key) DO NOTHING;
    v_flow_keys := ARRAY(SELECT unnest(v_flow_keys) EXCEPT
                         SELECT k.key FROM (SELECT l.key FROM millrace.flow_limits l
                                            WHERE l.key IN (SELECT unnest(v_flow_keys)) FOR KEY SHARE) k);
  END LOOP;
  v_round := 0;
  UPDATE millrace.flow_limits l
  SET max_running = r.max_running, rate_max = r.rate_max, rate_window_ms = r.rate_window_ms
  FROM (SELECT DISTINCT ON (r.flow_key) r.flow_key, r.max_running, r.rate_max, r.rate_window_ms
        FROM unnest(v_rows) r WHERE r.flow_key IS NOT NULL ORDER BY r.flow_key, r.ord DESC) r
  WHERE l.key = r.flow_key
    AND (l.max_running, l.rate_max, l.rate_window_ms) IS DISTINCT FROM (r.max_running, r.rate_max, r.rate_window_ms);

  v_heads := ARRAY(SELECT h FROM millrace.push_heads(v_rows) h);
  v_has_running := EXISTS (SELECT 1 FROM unnest(v_heads) h WHERE h.unique_mode = 'running');
  -- the first round tries every head; later ones only the keys still pending
  v_pending := CASE WHEN cardinality(v_heads) > 0 THEN '{}'::text[] END;
  WHILE v_pending IS NOT NULL AND (v_round = 0 OR cardinality(v_pending) > 0) LOOP
    v_round := v_round + 1;
    IF v_round > 10 THEN
      RAISE EXCEPTION 'unique keys kept changing hands while pushing: %', v_pending[1]
        USING ERRCODE = '40001';
    END IF;
    WITH inserted AS (
      INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts, path, flow_key, unique_key)
      SELECT h.id, h.tag, h.priority, h.scheduled_for, h.max_attempts, h.path, h.flow_key, h.unique_key
      FROM unnest(v_heads) h WHERE v_round = 1 OR h.unique_key IN (SELECT unnest(v_pending))
      ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING
      RETURNING job_queue.id, job_queue.unique_key
    )
    SELECT coalesce(array_agg(i.unique_key), '{}'), coalesce(array_agg(i.id), '{}')
    INTO v_new_key, v_new_job FROM inserted i;
    v_running := CASE WHEN v_has_running THEN
                   ARRAY(SELECT h.id FROM unnest(v_heads) h
                         WHERE h.unique_mode = 'running' AND h.id IN (SELECT unnest(v_new_job))) END;
    -- 'running': a started job of the key wins over the one just inserted. This statement sees
    -- every claim that could have moved the key (the insert waited for it), so none slips by.
    IF cardinality(v_running) > 0 THEN
      WITH started AS MATERIALIZED (
        SELECT q.id AS ours, (SELECT max(s.id) FROM millrace.job_queue s WHERE s.started_key = q.unique_key) AS holder
        FROM millrace.job_queue q WHERE q.id = ANY (v_running)
      ),
      withdrawn AS (
        DELETE FROM millrace.job_queue q USING started s WHERE q.id = s.ours AND s.holder IS NOT NULL
        RETURNING s.ours, s.holder
      )
      SELECT ARRAY(SELECT coalesce(w.holder, u.job) FROM unnest(v_new_job) WITH ORDINALITY AS u(job, o)
                   LEFT JOIN withdrawn w ON w.ours = u.job ORDER BY u.o)
      INTO v_new_job;
    END IF;
    v_key := v_key || v_new_key;
    v_job := v_job || v_new_job;
    EXIT WHEN cardinality(v_key) = cardinality(v_heads);
    v_pending := ARRAY(SELECT h.unique_key FROM unnest(v_heads) h EXCEPT SELECT unnest(v_key));

    WITH heads AS MATERIALIZED (
      SELECT * FROM unnest(v_heads) h WHERE h.unique_key IN (SELECT unnest(v_pending))
    ),
    replaced AS (
      UPDATE millrace.job_queue q SET scheduled_for = h.scheduled_for
      FROM heads h
      WHERE h.unique_mode = 'replace' AND q.unique_key = h.unique_key AND NOT q.running
      RETURNING q.id, q.unique_key
    ),
    holders AS (
      SELECT h.unique_key, coalesce(
               (SELECT q.id FROM millrace.job_queue q WHERE q.unique_key = h.unique_key),
               CASE WHEN h.unique_mode = 'running' THEN
                 (SELECT max(q.id) FROM millrace.job_queue q WHERE q.started_key = h.unique_key) END) AS id
      FROM heads h WHERE h.unique_mode <> 'replace'
    ),
    found AS (
      SELECT unique_key, id, true AS replace FROM replaced
      UNION ALL SELECT unique_key, id, false FROM holders WHERE id IS NOT NULL
    )
    SELECT coalesce(array_agg(f.unique_key), '{}'), coalesce(array_agg(f.id), '{}'),
           v_replaced || coalesce(array_agg(f.id) FILTER (WHERE f.replace), '{}')
    INTO v_new_key, v_new_job, v_replaced FROM found f;
    v_key := v_key || v_new_key;
    v_job := v_job || v_new_job;
    v_pending := ARRAY(SELECT unnest(v_pending) EXCEPT SELECT unnest(v_new_key));
  END LOOP;

  RETURN QUERY
  WITH settled AS MATERIALIZED (
    SELECT s.key, s.job FROM unnest(v_key, v_job) AS s(key, job)
  ),
  fresh AS MATERIALIZED (
    -- the jobs this push creates: every job without a unique key, and each key's inserted head
    SELECT r.* FROM unnest(v_rows) r
    WHERE r.unique_key IS NULL OR r.id IN (SELECT job FROM settled)
  ),
  queue_rows AS (
    INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts, path, flow_key)
    SELECT f.id, f.tag, f.priority, f.scheduled_for, f.max_attempts, f.path, f.flow_key
    FROM fresh f WHERE f.unique_key IS NULL
  ),
  job_rows AS (
    INSERT INTO millrace.jobs (id, path, script_hash, args, tag, priority, max_attempts, timeout_ms,
                               rerun_of, concurrency_key, unique_key)
    SELECT f.id, f.path, decode(f.hash, 'hex'), f.args, f.tag, f.priority, f.max_attempts, f.timeout_ms,
           f.rerun_of, f.concurrency_key, f.unique_key
    FROM fresh f
  ),
  new_args AS (
    UPDATE millrace.jobs j SET args = h.args
    FROM unnest(v_heads) h JOIN settled s ON s.key = h.unique_key
    WHERE j.id = s.job AND s.job IN (SELECT unnest(v_replaced))
  )
  SELECT coalesce(s.job, r.id)::text AS id
  FROM unnest(v_rows) r LEFT JOIN settled s ON s.key = r.unique_key
  CROSS JOIN (SELECT count(pg_notify('millrace_jobs', d.tag)) FROM (SELECT DISTINCT f.tag FROM fresh f) d) n
  ORDER BY r.ord;
END
$push$;
-- Deletes the limit rows of concurrency keys ('key:<key>') that no queued or running job uses any
-- more and that hold no start inside their rate window (a row deleted while a start still counts
-- would let a new push of the key start `max` more at once). Run by the history maintenance.
-- Script rows ('script:<path>') stay: one per limited script, kept up to date by the settings.
-- Race-free with a push creating or using the key (push_keyed_jobs holds its keys' rows FOR KEY
-- SHARE until its transaction ends):
-- 1. lock the candidates FOR UPDATE SKIP LOCKED: a row a push holds is skipped, never waited for;
-- 2. a new statement, so a new snapshot taken after the locks: it sees every job of every push that
--    held a row before us, and deletes only the rows still unused. A push that comes after waits
--    for our lock and creates the row again if we deleted it.
-- Returns how many rows it deleted.
CREATE FUNCTION millrace.prune_flow_limits() RETURNS integer
LANGUAGE plpgsql
AS $prune$
DECLARE
  v_keys text[];
  v_pruned integer;
BEGIN
  v_keys := ARRAY(
    SELECT l.key FROM millrace.flow_limits l
    WHERE l.key LIKE 'key:%'
      AND NOT EXISTS (SELECT 1 FROM millrace.job_queue q WHERE q.flow_key = l.key)
      AND NOT EXISTS (SELECT 1 FROM unnest(l.recent_starts) s
                      WHERE s > now() - make_interval(secs => coalesce(l.rate_window_ms, 0) / 1000.0))
    FOR UPDATE SKIP LOCKED);
  IF cardinality(v_keys) = 0 THEN
    RETURN 0;
  END IF;
  DELETE FROM millrace.flow_limits l
  WHERE l.key = ANY (v_keys)
    AND NOT EXISTS (SELECT 1 FROM millrace.job_queue q WHERE q.flow_key = l.key);
  GET DIAGNOSTICS v_pruned = ROW_COUNT;
  RETURN v_pruned;
END
$prune$;
