// Fault: poison jobs — jobs whose logs, result or error hold text PostgreSQL refuses (NUL, an
// unpaired UTF-16 surrogate), on every kind of chaos worker: in-host handler, cold process, warm
// thread. Each must end as the rule says (docs/reliability.md) and no worker may freeze.
// Jobs that kill their parent process belong in a phase of their own next to this one
// (`hostile jobs` in chaos-run.mjs), run the same way: push, then check each ended as expected.

/** mode → how the job must end */
export const POISON_MODES = {
  'log-nul': { status: 'success' },
  'log-lone': { status: 'success' },
  'result-nul': { status: 'failure', reason: 'result_not_storable' },
  'result-lone': { status: 'failure', reason: 'result_not_storable' },
  'error-nul': { status: 'failure', reason: 'thrown' },
  'error-lone': { status: 'failure', reason: 'thrown' },
};

/**
 * What a chaos script does with `args.poison`, as source text for the deployed scripts (escapes,
 * not the characters: the source itself must be storable) — kept in step with `poisonHandler`.
 */
export const POISON_SOURCE = String.raw`
function poison(mode) {
  switch (mode) {
    case 'log-nul': console.log('nul\u0000byte'); return 'logged';
    case 'log-lone': console.log('lone\ud800surrogate'); return 'logged';
    case 'result-nul': return { s: 'nul\u0000' };
    case 'result-lone': return ['\udc00'];
    case 'error-nul': throw new Error('nul\u0000in error');
    default: throw new Error('lone\ud800in error');
  }
}`;

/** The in-host handler's version of the same. */
export function poisonHandler(mode, ctx) {
  switch (mode) {
    case 'log-nul':
      ctx.log('nul\u0000byte\n');
      return 'logged';
    case 'log-lone':
      ctx.log('lone\ud800surrogate\n');
      return 'logged';
    case 'result-nul':
      return { s: 'nul\u0000' };
    case 'result-lone':
      return ['\udc00'];
    case 'error-nul':
      throw new Error('nul\u0000in error');
    default:
      throw new Error('lone\ud800in error');
  }
}

/** Pushes `rounds` × every mode × every path given; returns their ids. */
export async function pushPoisonJobs(queue, paths, { rounds = 2 } = {}) {
  const requests = [];
  for (let r = 0; r < rounds; r++)
    for (const path of paths)
      for (const mode of Object.keys(POISON_MODES)) requests.push({ path, args: { poison: mode, ms: 0 } });
  return queue.pushMany(requests);
}

/**
 * How the poison jobs ended: each as its mode says, logs stored with U+FFFD where the job printed
 * NUL or a lone surrogate. `unexpected` lists the rest (mode, status, reason, count).
 */
export async function checkPoisonJobs(db) {
  const { rows } = await db.query(`
    SELECT j.args->>'poison' AS mode, c.status, coalesce(c.error->>'reason', '') AS reason,
           count(*)::int AS n,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM millrace.job_logs l
                                          WHERE l.job_id = j.id AND l.text LIKE '%' || chr(65533) || '%'))::int AS sanitized_logs
    FROM millrace.jobs j JOIN millrace.job_completed c USING (id)
    WHERE j.args ? 'poison'
    GROUP BY 1, 2, 3`);
  const { rows: total } = await db.query(
    `SELECT count(*)::int AS n FROM millrace.jobs WHERE args ? 'poison'`,
  );
  const summary = { pushed: total[0].n, completed: 0, asExpected: 0, sanitizedLogs: 0, unexpected: [] };
  for (const r of rows) {
    summary.completed += r.n;
    const want = POISON_MODES[r.mode];
    const ok = want && r.status === want.status && (!want.reason || r.reason === want.reason);
    if (ok) summary.asExpected += r.n;
    else summary.unexpected.push(`${r.n} ${r.mode} jobs ended ${r.status} (${r.reason || 'no reason'})`);
    if (r.mode?.startsWith('log-')) summary.sanitizedLogs += r.sanitized_logs;
  }
  return summary;
}
