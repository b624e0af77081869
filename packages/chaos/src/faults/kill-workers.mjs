// Fault: SIGKILL a random worker every `everyMs` and start a new one of the same group.
// Records, per kill, the jobs the victim held, so recovery is measured as "all of them finished".

/**
 * @param {{ pool: ReturnType<import('../worker-pool.mjs').createWorkerPool>, db: import('@millrace/db').Db,
 *   everyMs: number, onEvent: (e: object) => void }} options
 */
export function startKillingWorkers({ pool, db, everyMs, onEvent }) {
  let stopped = false;
  const kills = [];
  let timer;
  const loop = async () => {
    if (stopped) return;
    try {
      const victim = await pool.killRandom();
      if (victim) {
        const at = Date.now();
        const { rows } = await db.query('SELECT id::text AS id FROM millrace.job_queue WHERE worker = $1', [
          victim.name,
        ]);
        const kill = { worker: victim.name, group: victim.group, at, heldJobs: rows.map((r) => r.id) };
        kills.push(kill);
        onEvent({ fault: 'kill_worker', worker: victim.name, heldJobs: kill.heldJobs.length });
        // A replacement started during a network fault cannot open the database and exits;
        // like a process manager, start it again with backoff.
        for (let tries = 0; !stopped; tries++) {
          try {
            await pool.spawn(victim.group);
            break;
          } catch (err) {
            onEvent({ fault: 'restart_worker', error: err.message });
            await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** tries, 3_000)));
          }
        }
      }
    } catch (err) {
      onEvent({ fault: 'kill_worker', error: err.message });
    }
    if (!stopped) timer = setTimeout(loop, everyMs * (0.5 + Math.random()));
  };
  timer = setTimeout(loop, everyMs);
  return {
    kills,
    async stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** For each kill: ms from the kill until every job it held was finished (null while some are not). */
export async function killRecoveryTimes(db, kills) {
  const times = [];
  for (const k of kills) {
    if (k.heldJobs.length === 0) continue;
    const { rows } = await db.query(
      'SELECT count(*)::int AS n, max(completed_at) AS last FROM millrace.job_completed WHERE id = ANY($1::bigint[])',
      [k.heldJobs],
    );
    if (rows[0].n < k.heldJobs.length) times.push(null);
    else times.push(new Date(rows[0].last).getTime() - k.at);
  }
  return times;
}
