// Synthetic history for bench/history.mjs, made by SQL as fast as PostgreSQL writes it: `jobs`
// finished jobs spread over `days` days, one id range (partition set) per day as the history
// maintenance would have made them, with counters to match. Shape per job: one of 20 paths, 5 % on
// a rare tag (`gpu`), 2 % failed, 1 % canceled, null results, one log line for every tenth job.
const FILL_DAY = `
WITH g AS (
  SELECT $1::bigint + i AS id, i,
         now() - make_interval(days => $3) + make_interval(secs => i * 86400.0 / $2) AS at,
         'f/app/job' || abs(hashtext(i::text) % 20) AS path,
         CASE WHEN abs(hashtext('t' || i) % 20) = 0 THEN 'gpu' ELSE 'node' END AS tag,
         CASE WHEN i % 50 = 0 THEN 'failure' WHEN i % 97 = 0 THEN 'canceled' ELSE 'success' END AS status
  FROM generate_series(1, $2::bigint) AS i
),
j AS (
  INSERT INTO millrace.jobs (id, path, script_hash, args, tag, priority, max_attempts, timeout_ms, created_at)
  SELECT id, path, $4::bytea, jsonb_build_object('i', i), tag, 0, 1, NULL, at
  FROM g
)
INSERT INTO millrace.job_completed
  (id, status, result, error, worker, attempt, started_at, completed_at, duration_ms, tag, path)
SELECT id, status, NULL,
       CASE status WHEN 'failure' THEN '{"name":"Error","message":"boom"}'::jsonb
                   WHEN 'canceled' THEN '{"name":"CanceledError","message":"canceled"}'::jsonb END,
       'bench-worker-' || (i % 4), 1, at + interval '2 ms', at + interval '3 ms', 1,
       CASE WHEN status <> 'success' THEN tag END, CASE WHEN status <> 'success' THEN path END
FROM g`;

const FILL_LOGS = `
INSERT INTO millrace.job_logs (job_id, attempt, seq, text, created_at)
SELECT $1::bigint + i, 1, 0, 'processing item ' || i || E'\\n', now() - make_interval(days => $3)
FROM generate_series(10, $2::bigint, 10) AS i`;

// The counters the ending statements would have kept for these jobs (one scan of the fill): every
// job ran 1 ms (bucket 0: ≤ 1 ms) and started 2 ms after it was pushed (bucket 1: ≤ 5 ms).
const FILL_COUNTERS = `
WITH done AS (
  SELECT j.tag, c.status, count(*) AS n FROM millrace.job_completed c JOIN millrace.jobs j ON j.id = c.id GROUP BY 1, 2
),
counts AS (
  INSERT INTO millrace.job_counts (tag, status, shard, n, duration_n, duration_ms, latency_n, latency_ms)
  SELECT tag, status, 15, n, n, n, n, 2 * n FROM done
)
INSERT INTO millrace.job_histogram (tag, kind, bucket, shard, n)
SELECT tag, kind, bucket, 15, sum(n) FROM done
CROSS JOIN (VALUES ('d'::"char", 0), ('l'::"char", 1)) AS k(kind, bucket)
GROUP BY 1, 2, 3`;

/**
 * Fills `jobs` finished jobs over `days` days into the (fresh, migrated) database `db`, one range
 * per day, and leaves the job id sequence at the start of a new, current range.
 */
export async function fillHistory(db, queue, { jobs, days, hash, log = () => {} }) {
  const perDay = Math.ceil(jobs / days);
  const hashBytes = Buffer.from(hash, 'hex');
  for (let d = 0; d < days; d++) {
    const t0 = performance.now();
    const { rows } = await db.query(
      'SELECT n, lo::text AS lo FROM millrace.history_ranges ORDER BY n DESC LIMIT 1',
    );
    const lo = Number(rows[0].lo);
    const daysAgo = days - d;
    await db.query(FILL_DAY, [lo, perDay, daysAgo, hashBytes]);
    await db.query(FILL_LOGS, [lo, perDay, daysAgo]);
    await db.query(`SELECT setval('millrace.job_ids', $1::bigint)`, [lo + perDay]);
    await queue.history.startNewRange();
    // the range took this day's pushes: sealed at its end
    await db.query(
      'UPDATE millrace.history_ranges SET sealed_at = now() - make_interval(days => $2) WHERE n = $1',
      [rows[0].n, daysAgo - 1],
    );
    log(
      `  day ${d + 1}/${days}: ${perDay.toLocaleString('en-US')} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  await db.query(FILL_COUNTERS);
  await db.query('VACUUM ANALYZE millrace.jobs, millrace.job_completed, millrace.job_logs');
  return perDay * days;
}

/** Bytes on disk (tables, TOAST, indexes) of the four history tables, all ranges together. */
export async function historyBytes(db) {
  const { rows } = await db.query(`
    SELECT p.relname AS parent, sum(pg_total_relation_size(c.oid))::float8 AS bytes
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace s ON s.oid = p.relnamespace AND s.nspname = 'millrace'
    WHERE p.relname IN ('jobs', 'job_completed', 'job_logs', 'job_attempts')
    GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.parent, Number(r.bytes)]));
}
