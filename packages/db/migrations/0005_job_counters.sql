-- Counters maintained by the statements that end a job (complete, cancel of a queued job, reap),
-- in the same statement, so that counts, the overview, /metrics and the throughput chart read a
-- few rows instead of scanning history (docs/history.md).
--
-- Totals per (tag, status), spread over shards: a completer adds to the shard of its backend
-- (pg_backend_pid() % 16), so concurrent completers of one tag rarely wait for each other's
-- commit on one row. Readers sum the shards. Nothing ever subtracts: retention removes jobs, never
-- counts. duration_*: run time of the jobs that ran; latency_*: runnable → started (ms).
CREATE TABLE millrace.job_counts (
  tag            text NOT NULL,
  status         text NOT NULL,
  shard          smallint NOT NULL,
  n              bigint NOT NULL,
  duration_n     bigint NOT NULL,
  duration_ms    bigint NOT NULL,
  latency_n      bigint NOT NULL,
  latency_ms     bigint NOT NULL,
  PRIMARY KEY (tag, status, shard)
) WITH (fillfactor = 50);

-- Histograms per tag of run time (kind 'd') and start latency ('l'): jobs per bucket, bucket i
-- being the first bound (ms) of queue/src/sql/counters.ts that the value does not exceed (11: none).
-- One bucket index per job (width_bucket) in the batch's single aggregation pass; cumulative
-- counts per bound in arrays (one FILTER aggregate per bound and job) cost several times more.
CREATE TABLE millrace.job_histogram (
  tag    text NOT NULL,
  kind   "char" NOT NULL,
  bucket smallint NOT NULL,
  shard  smallint NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (tag, kind, bucket, shard)
) WITH (fillfactor = 50);

-- Completions per second and tag, for the throughput chart (at most an hour back). Old seconds are
-- deleted by the history maintenance; the chart reads a primary-key range either way.
CREATE TABLE millrace.job_rate (
  second bigint NOT NULL,
  tag    text NOT NULL,
  shard  smallint NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (second, tag, shard)
) WITH (fillfactor = 70);

-- Start from the history already there (one scan each, once). Start latency of those jobs is
-- measured from created_at.
CREATE TEMPORARY TABLE history_done ON COMMIT DROP AS
SELECT j.tag, c.status, c.duration_ms::bigint AS d,
       CASE WHEN c.started_at IS NOT NULL
            THEN greatest(0, date_part('epoch', c.started_at - j.created_at) * 1000) END AS l
FROM millrace.job_completed c
JOIN millrace.jobs j ON j.id = c.id;

INSERT INTO millrace.job_counts (tag, status, shard, n, duration_n, duration_ms, latency_n, latency_ms)
SELECT tag, status, 0, count(*), count(d), coalesce(sum(d), 0), count(l), coalesce(sum(l), 0)::bigint
FROM history_done GROUP BY tag, status;

INSERT INTO millrace.job_histogram (tag, kind, bucket, shard, n)
SELECT tag, kind, bucket, 0, count(*) FROM (
  SELECT tag, 'd' AS kind, 11 - width_bucket(-d::float8, '{-300000,-60000,-10000,-5000,-1000,-500,-100,-50,-10,-5,-1}'::float8[]) AS bucket
  FROM history_done WHERE d IS NOT NULL
  UNION ALL
  SELECT tag, 'l', 11 - width_bucket(-l, '{-300000,-60000,-10000,-5000,-1000,-500,-100,-50,-10,-5,-1}'::float8[])
  FROM history_done WHERE l IS NOT NULL
) b
GROUP BY tag, kind, bucket;

INSERT INTO millrace.job_rate (second, tag, shard, n)
SELECT floor(date_part('epoch', c.completed_at))::bigint, j.tag, 0, count(*)
FROM millrace.job_completed c
JOIN millrace.jobs j ON j.id = c.id
WHERE c.completed_at > now() - interval '1 hour'
GROUP BY 1, 2;

-- The UI's failure views (failed or canceled jobs, newest first, by path or tag or not): a partial
-- index holds only the jobs that did not succeed, so a successful completion pays nothing for it.
CREATE INDEX job_completed_unsuccessful_idx ON millrace.job_completed (id DESC) WHERE status <> 'success';
