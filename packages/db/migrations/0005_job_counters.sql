-- Counters maintained by the statements that end a job (complete, cancel of a queued job, reap),
-- in the same statement, so that counts, the overview, /metrics and the throughput chart read a
-- few rows instead of scanning history (docs/history.md).
--
-- Totals per (tag, status), spread over shards: a completer adds to the shard of its backend
-- (pg_backend_pid() % 16), so concurrent completers of one tag rarely wait for each other's
-- commit on one row. Readers sum the shards. The histograms of run time and start latency are
-- cumulative bucket counts (le, in ms) in the order of queue/src/sql/counters.ts; the +Inf
-- bucket is *_n. Nothing ever subtracts: retention removes jobs, never counts.
CREATE TABLE millrace.job_counts (
  tag            text NOT NULL,
  status         text NOT NULL,
  shard          smallint NOT NULL,
  n              bigint NOT NULL,
  duration_n     bigint NOT NULL,
  duration_ms    bigint NOT NULL,
  duration_le    bigint[] NOT NULL,
  latency_n      bigint NOT NULL,
  latency_ms     bigint NOT NULL,
  latency_le     bigint[] NOT NULL,
  PRIMARY KEY (tag, status, shard)
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

-- Element-wise sum of two bucket arrays of the same length.
CREATE FUNCTION millrace.add_buckets(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$;

-- Start from the history already there (one scan, once). Start latency of those jobs is measured
-- from created_at. Buckets as in queue/src/sql/counters.ts.
INSERT INTO millrace.job_counts
  (tag, status, shard, n, duration_n, duration_ms, duration_le, latency_n, latency_ms, latency_le)
SELECT tag, status, 0, count(*), count(d), coalesce(sum(d), 0),
  ARRAY[count(*) FILTER (WHERE d <= 1), count(*) FILTER (WHERE d <= 5), count(*) FILTER (WHERE d <= 10),
         count(*) FILTER (WHERE d <= 50), count(*) FILTER (WHERE d <= 100), count(*) FILTER (WHERE d <= 500),
         count(*) FILTER (WHERE d <= 1000), count(*) FILTER (WHERE d <= 5000), count(*) FILTER (WHERE d <= 10000),
         count(*) FILTER (WHERE d <= 60000), count(*) FILTER (WHERE d <= 300000)],
  count(l), coalesce(sum(l), 0)::bigint,
  ARRAY[count(*) FILTER (WHERE l <= 1), count(*) FILTER (WHERE l <= 5), count(*) FILTER (WHERE l <= 10),
         count(*) FILTER (WHERE l <= 50), count(*) FILTER (WHERE l <= 100), count(*) FILTER (WHERE l <= 500),
         count(*) FILTER (WHERE l <= 1000), count(*) FILTER (WHERE l <= 5000), count(*) FILTER (WHERE l <= 10000),
         count(*) FILTER (WHERE l <= 60000), count(*) FILTER (WHERE l <= 300000)]
FROM (
  SELECT j.tag, c.status, c.duration_ms::bigint AS d,
         CASE WHEN c.started_at IS NOT NULL
              THEN greatest(0, date_part('epoch', c.started_at - j.created_at) * 1000) END AS l
  FROM millrace.job_completed c
  JOIN millrace.jobs j ON j.id = c.id
) done
GROUP BY tag, status;

INSERT INTO millrace.job_rate (second, tag, shard, n)
SELECT floor(date_part('epoch', c.completed_at))::bigint, j.tag, 0, count(*)
FROM millrace.job_completed c
JOIN millrace.jobs j ON j.id = c.id
WHERE c.completed_at > now() - interval '1 hour'
GROUP BY 1, 2;

-- The UI's failure views (failed or canceled jobs, newest first, by path or tag or not): a partial
-- index holds only the jobs that did not succeed, so a successful completion pays nothing for it.
CREATE INDEX job_completed_unsuccessful_idx ON millrace.job_completed (id DESC) WHERE status <> 'success';
