// Fault: jobs that attack the process running them, on the untrusted runtimes only (a generic
// worker's cold process, a dedicated worker's process runtime; docs/isolation.md): SIGKILL their
// parent, their process group, `kill -9 -1`, leave setsid'd and double-forked daemons behind,
// exhaust memory, forge malformed answers on their wrapper's channel. Each must end once, as a failure; no worker may die of one, and no process a job
// started may outlive the run. Thread runtimes and in-host handlers are trusted code in the
// worker's process and are left alone.
import { readdirSync, readFileSync } from 'node:fs';

/** mode → how the job must end (the reasons each runtime reports for it) */
export const PARENT_KILLING_MODES = {
  // Its ppid is 0 in its PID namespace: kill(0) reaches its own process group, so it ends its own
  // outer wrapper, whose death SIGKILLs the job (--kill-child). It may still report its own error
  // first (the job as the namespace's init ignores its own SIGKILL): a crash or a throw.
  'kill-parent': { status: 'failure', reasons: ['crash', 'thrown'] },
  'kill-group': { status: 'failure', reasons: ['crash', 'thrown'] },
  // kill(-1) reaches only its own namespace; it is still there, and says so
  'kill-all': { status: 'failure', reasons: ['thrown'] },
  // the daemons die with the job's namespace; the job itself fails afterwards
  stray: { status: 'failure', reasons: ['thrown'] },
  // RLIMIT_DATA (the group's memoryLimitMb) stops it: a RangeError, or an abort on Node 24
  memory: { status: 'failure', reasons: ['thrown', 'crash'] },
  // malformed answers on the channel its wrapper answers on: IPC (cold, a crash that says so) or
  // stdout past the wrapper's hooks (process runtime: they are its output; then it throws)
  forge: { status: 'failure', reasons: ['crash', 'thrown'] },
};

/** The argv mark of the daemons a `stray` job leaves: `<mark>-<runtime>` (found by `strayProcesses`). */
export const STRAY_MARK = 'millrace-chaos-stray';

/**
 * What a chaos script does with `args.hostile`, as source text for the deployed scripts. Never
 * returns: each mode kills, or throws once it has done its damage and is still alive.
 */
export const PARENT_KILLING_SOURCE = String.raw`
async function hostile(mode, runtime) {
  const { execFileSync, spawn } = process.getBuiltinModule('node:child_process');
  const fs = process.getBuiltinModule('node:fs');
  const pids = () => fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
  switch (mode) {
    case 'kill-parent':
      process.kill(process.ppid, 'SIGKILL');
      break;
    case 'kill-group':
      process.kill(0, 'SIGKILL');
      break;
    case 'kill-all':
      try { execFileSync('/bin/sh', ['-c', 'kill -9 -1']); } catch {}
      for (const pid of pids()) if (pid !== process.pid) try { process.kill(pid, 'SIGKILL'); } catch {}
      break;
    case 'stray': {
      const mark = '${STRAY_MARK}-' + runtime;
      const forever = ['-e', 'setInterval(() => {}, 1000)', mark];
      spawn(process.execPath, forever, { detached: true, stdio: 'ignore' }).unref();
      spawn('/bin/sh', ['-c', '"$0" "$@" &', process.execPath, ...forever], { detached: true, stdio: 'ignore' }).unref();
      const started = () => pids().filter((p) => { try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').includes(mark); } catch { return false; } }).length;
      const deadline = Date.now() + 5000;
      while (started() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      break;
    }
    case 'memory': {
      const kept = [];
      for (;;) kept.push(Buffer.allocUnsafe(64 * 1024 * 1024));
    }
    case 'forge':
      if (process.send) {
        process.send({ type: 'uncaught', error: null });
        await new Promise(() => {});
      }
      fs.writeSync(1, 'null\n{"type":"error","id":1,"error":null}\n');
      break;
  }
  throw new Error(mode + ': still running after the attack');
}`;

/** Pushes `rounds` × every mode onto each `{ path, runtime }`; returns their ids. */
export async function pushParentKillingJobs(queue, targets, { rounds = 2, timeoutMs = 20_000 } = {}) {
  const requests = [];
  // a job that survived its own attack ends at its timeout, as a failure the check names
  for (let r = 0; r < rounds; r++)
    for (const { path, runtime } of targets)
      for (const mode of Object.keys(PARENT_KILLING_MODES))
        requests.push({ path, args: { hostile: mode, runtime, ms: 0 }, timeoutMs, maxAttempts: 1 });
  return queue.pushMany(requests);
}

/**
 * The phase: pushes the jobs onto `targets` ({ path, runtime }), waits until all have ended, then
 * looks for daemons of cold jobs still alive (a cold job's namespace dies with it; a warm process
 * runtime's lives on with its daemons until the runtime ends, which the end-of-run check covers).
 */
export async function parentKillingPhase({ queue, db, targets, waitMs = 120_000 }) {
  const ids = await pushParentKillingJobs(queue, targets);
  const deadline = Date.now() + waitMs;
  while (!(await allCompleted(db, ids)) && Date.now() < deadline) await sleep(200);
  const outlived = await waitUntilNone(() => processesWith({ arg: `${STRAY_MARK}-cold` }), 5_000);
  return { ids, coldDaemonsOutlivedJob: outlived.length };
}

async function allCompleted(db, ids) {
  const { rows } = await db.query(
    'SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = ANY($1::bigint[])',
    [ids],
  );
  return rows[0].n === ids.length;
}

/** How the parent-killing jobs ended: `unexpected` lists those that did not end as their mode says. */
export async function checkParentKillingJobs(db) {
  const { rows } = await db.query(`
    SELECT j.args->>'hostile' AS mode, j.args->>'runtime' AS runtime, c.status,
           coalesce(c.error->>'reason', '') AS reason, count(*)::int AS n
    FROM millrace.jobs j JOIN millrace.job_completed c USING (id)
    WHERE j.args ? 'hostile'
    GROUP BY 1, 2, 3, 4`);
  const { rows: total } = await db.query(
    `SELECT count(*)::int AS n FROM millrace.jobs WHERE args ? 'hostile'`,
  );
  const summary = { pushed: total[0].n, completed: 0, asExpected: 0, unexpected: [] };
  for (const r of rows) {
    summary.completed += r.n;
    const want = PARENT_KILLING_MODES[r.mode];
    // A warm process serves job after job: one that killed it after reporting its own end (see
    // 'kill-parent') ends the next job there as a crash, whatever that one does.
    const reasons = r.runtime === 'process' ? [...(want?.reasons ?? []), 'crash'] : want?.reasons;
    if (want && r.status === want.status && reasons.includes(r.reason)) summary.asExpected += r.n;
    else
      summary.unexpected.push(
        `${r.n} ${r.mode} jobs on the ${r.runtime} runtime ended ${r.status} (${r.reason || 'no reason'})`,
      );
  }
  return summary;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Live processes with `arg` in their argv, or `name=value` in their environment. Zombies run no
 * code and do not count. Reading other processes' environ needs the same user, or root.
 * @param {{ arg?: string, env?: string }} which
 * @returns {number[]}
 */
export function processesWith({ arg, env }) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      const file = arg ? 'cmdline' : 'environ';
      if (
        readFileSync(`/proc/${pid}/${file}`, 'latin1')
          .split('\0')
          .includes(arg ?? env)
      )
        found.push(Number(pid));
    } catch {
      // it ended while we looked, or is not ours to read
    }
  }
  return found;
}

/**
 * Processes left by a run's jobs: every process a job starts inherits its group's env, which
 * holds `name=value` (unique to the run). Polls a moment (the kernel reaps a namespace quickly).
 */
export function strayProcesses(name, value, { waitMs = 5_000 } = {}) {
  return waitUntilNone(() => processesWith({ env: `${name}=${value}` }), waitMs);
}

/** Polls `find` until it finds nothing or `waitMs` passed; returns what it found last. */
async function waitUntilNone(find, waitMs) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = find();
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(50);
  }
}
