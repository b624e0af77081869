// Fault: one host (a network namespace, see ../hosts.mjs) loses its link. The jobs its worker held
// must be reaped and finished on the other hosts; after `forMs` the link comes back and the worker
// must drop its lost claims (its late results are refused by fencing) and go on.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {{ host: Awaited<ReturnType<import('../hosts.mjs').createHost>>, worker: string,
 *   db: import('@millrace/db').Db, forMs: number, timeoutMs?: number }} options
 * @returns {Promise<{ heldJobs: number, finishedElsewhereMs: number | null, endedAt: number }>}
 */
export async function partitionHost({ host, worker, db, forMs, timeoutMs = 60_000 }) {
  // cut it while it holds jobs (waiting a few seconds at most), or the fault proves nothing
  const holding = async () =>
    (await retried(db, 'SELECT id::text AS id FROM millrace.job_queue WHERE worker = $1', [worker])).map(
      (r) => r.id,
    );
  for (const until = Date.now() + 5_000; Date.now() < until && (await holding()).length === 0; )
    await sleep(20);
  const at = Date.now();
  await host.cut();
  // what it still holds once the statements already on the wire have landed: stranded with it
  await sleep(300);
  const held = await holding();
  let finishedElsewhereMs = null;
  while (Date.now() - at < timeoutMs) {
    const done = await retried(
      db,
      'SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = ANY($1::bigint[])',
      [held],
    );
    if (done[0].n === held.length) {
      finishedElsewhereMs = Date.now() - at;
      break;
    }
    await sleep(100);
  }
  await sleep(Math.max(0, at + forMs - Date.now()));
  await host.restore();
  return { heldJobs: held.length, finishedElsewhereMs, endedAt: Date.now() };
}

// The other faults run meanwhile (pg_terminate_backend ends this connection too): read until it works.
async function retried(db, sql, params) {
  for (let tries = 0; ; tries++) {
    try {
      return (await db.query(sql, params)).rows;
    } catch (err) {
      if (tries >= 50) throw err;
      await sleep(100);
    }
  }
}
