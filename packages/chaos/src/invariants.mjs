// The end-of-run checks, in SQL over the millrace.* tables: every job completed exactly once,
// every attempt accounted for, and re-runs explained by faults.

/**
 * @param {import('@millrace/db').Db} db
 * @param {{ acknowledged: string[], killedWorkers: string[] }} run
 */
export async function checkInvariants(db, { acknowledged, killedWorkers }) {
  const one = async (sql, params) => (await db.query(sql, params)).rows[0];
  const totals = await one(`
    SELECT (SELECT count(*) FROM millrace.jobs)::int AS jobs,
           (SELECT count(*) FROM millrace.job_completed)::int AS completed,
           (SELECT count(*) FROM millrace.job_queue)::int AS still_queued,
           (SELECT count(*) FROM millrace.job_queue WHERE running)::int AS stuck_running,
           (SELECT count(*) FROM millrace.jobs j WHERE NOT EXISTS
              (SELECT 1 FROM millrace.job_completed c WHERE c.id = j.id))::int AS missing,
           (SELECT count(*) FROM (SELECT id FROM millrace.job_completed GROUP BY id HAVING count(*) > 1) d)::int AS duplicates,
           (SELECT count(*) FROM millrace.job_queue q JOIN millrace.job_completed c USING (id))::int AS queued_and_completed,
           (SELECT count(*) FROM millrace.job_completed c WHERE NOT EXISTS
              (SELECT 1 FROM millrace.jobs j WHERE j.id = c.id))::int AS orphan_completed`);
  // poison and parent-killing jobs end as their mode says; faults/*.mjs check them
  const statuses = (
    await db.query(`SELECT status, coalesce(error->>'reason', '') AS reason, count(*)::int AS n
                    FROM millrace.job_completed c
                    WHERE NOT EXISTS (SELECT 1 FROM millrace.jobs j WHERE j.id = c.id AND (j.args ? 'poison' OR j.args ? 'hostile'))
                    GROUP BY 1, 2 ORDER BY 3 DESC`)
  ).rows;
  const attempts = await one(
    `SELECT count(*) FILTER (WHERE status = 'lost')::int AS lost,
            count(DISTINCT job_id) FILTER (WHERE status = 'lost')::int AS rerun_jobs,
            count(*) FILTER (WHERE status = 'failure')::int AS failed_retried,
            count(*) FILTER (WHERE status = 'lost' AND NOT (worker = ANY($1::text[])))::int AS lost_from_live_workers,
            coalesce(max(n), 0)::int AS max_lost_per_job
     FROM millrace.job_attempts
     LEFT JOIN (SELECT job_id AS jid, count(*) AS n FROM millrace.job_attempts WHERE status = 'lost' GROUP BY 1) m
       ON m.jid = job_id`,
    [killedWorkers],
  );
  // A completed job's attempt number is 1 + its earlier attempts, numbered 1..n without gaps.
  const unaccounted = await one(`
    SELECT count(*)::int AS n FROM millrace.job_completed c
    LEFT JOIN (SELECT job_id, count(*)::int AS k, max(attempt) AS top FROM millrace.job_attempts GROUP BY 1) a
      ON a.job_id = c.id
    WHERE c.attempt <> coalesce(a.k, 0) + 1 OR coalesce(a.top, 0) <> coalesce(a.k, 0)`);
  // Fencing: an in-host job returns the worker that ran it; the completed row must name the same one.
  const fencing = await one(`
    SELECT count(*)::int AS n FROM millrace.job_completed
    WHERE status = 'success' AND result ? 'worker' AND result->>'worker' IS DISTINCT FROM worker`);
  const ackMissing = await one(
    `SELECT count(*)::int AS n FROM unnest($1::bigint[]) a(id)
     WHERE NOT EXISTS (SELECT 1 FROM millrace.job_completed c WHERE c.id = a.id)`,
    [acknowledged],
  );

  const failedByWorkerLoss = statuses
    .filter((s) => s.status === 'failure' && s.reason === 'worker_lost')
    .reduce((a, s) => a + s.n, 0);
  const lost = totals.missing + ackMissing.n + (totals.jobs < acknowledged.length ? 1 : 0);
  const problems = [];
  if (totals.jobs < acknowledged.length)
    problems.push(`jobs ${totals.jobs} < acknowledged pushes ${acknowledged.length}`);
  if (ackMissing.n > 0) problems.push(`${ackMissing.n} acknowledged jobs never completed`);
  if (totals.completed !== totals.jobs) problems.push(`completed ${totals.completed} != jobs ${totals.jobs}`);
  if (totals.missing > 0) problems.push(`${totals.missing} jobs missing a completed row`);
  if (totals.still_queued > 0)
    problems.push(`${totals.still_queued} jobs still in the queue (${totals.stuck_running} running)`);
  if (totals.duplicates > 0) problems.push(`${totals.duplicates} jobs completed twice`);
  if (totals.queued_and_completed > 0)
    problems.push(`${totals.queued_and_completed} jobs both queued and completed`);
  if (totals.orphan_completed > 0) problems.push(`${totals.orphan_completed} completed rows without a job`);
  if (unaccounted.n > 0) problems.push(`${unaccounted.n} jobs whose attempts do not add up`);
  if (fencing.n > 0) problems.push(`${fencing.n} results written by a worker that no longer owned the job`);
  const unexpectedFailures = statuses.filter((s) => s.status !== 'success' && s.reason !== 'worker_lost');
  for (const s of unexpectedFailures)
    problems.push(`${s.n} jobs ended ${s.status} (${s.reason || 'no reason'})`);

  return {
    ok: problems.length === 0,
    problems,
    jobs: totals.jobs,
    acknowledged: acknowledged.length,
    completed: totals.completed,
    missing: totals.missing,
    lost,
    duplicates: totals.duplicates + totals.queued_and_completed,
    stuckRunning: totals.stuck_running,
    statuses,
    failedByWorkerLoss,
    lostAttempts: attempts.lost,
    rerunJobs: attempts.rerun_jobs,
    lostFromLiveWorkers: attempts.lost_from_live_workers,
    maxLostPerJob: attempts.max_lost_per_job,
    failedRetried: attempts.failed_retried,
    attemptsUnaccounted: unaccounted.n,
    fencingViolations: fencing.n,
  };
}

/** Completions per second over the run (from completed_at), for "jobs/s held". */
export async function throughputProfile(db) {
  const { rows } = await db.query(`
    SELECT floor(extract(epoch FROM completed_at))::bigint AS s, count(*)::int AS n
    FROM millrace.job_completed GROUP BY 1 ORDER BY 1`);
  if (rows.length === 0) return { seconds: 0, perSecond: [] };
  // drop the first and last (partial) seconds
  const inner = rows.length > 2 ? rows.slice(1, -1) : rows;
  const first = Number(rows[0].s);
  const last = Number(rows[rows.length - 1].s);
  const perSecond = [];
  const byS = new Map(inner.map((r) => [Number(r.s), r.n]));
  for (let s = first + 1; s < last; s++) perSecond.push(byS.get(s) ?? 0);
  const sorted = [...perSecond].sort((a, b) => a - b);
  const pct = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
  return {
    seconds: last - first + 1,
    perSecond,
    min: sorted[0] ?? 0,
    p10: pct(0.1),
    p50: pct(0.5),
    max: sorted[sorted.length - 1] ?? 0,
    zeroSeconds: perSecond.filter((n) => n === 0).length,
  };
}
