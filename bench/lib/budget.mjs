// The run's time budget: an estimate printed before a run starts, from the rows it will measure and
// rough per-job costs on a 2-core machine (not measurements: a busy machine takes longer), and the
// elapsed time of each section as it ends, beside its estimate.
import { WORK_MS } from './matrix.mjs';
import { round } from './stats.mjs';

/** ms per noop job at c=1 (≈ 1000 ÷ one-clock drain rate on 2 cores); generic: a cold start. */
const PER_JOB_MS = {
  'for-loop': 0.005,
  handlers: 0.08,
  thread: 0.1,
  process: 0.14,
  generic: 70,
  'generic-naive': 110,
  'graphile-worker': 0.09,
  'pg-boss': 3,
  bullmq: 0.35,
};
/** ms to enqueue one job before the clock (pushMany / addJobs / insert / addBulk in chunks). */
const ENQUEUE_MS = { 'for-loop': 0, 'graphile-worker': 0.03, 'pg-boss': 0.1, bullmq: 0.05 };
const MILLRACE_ENQUEUE_MS = 0.04;
/** Per measured row: a database created and dropped, a worker started and stopped. */
const SETUP_MS = { 'for-loop': 0, bullmq: 300 };
const DEFAULT_SETUP_MS = 900;

/** Seconds one backlog row of `jobs` takes, set-up and enqueue included. */
export function rowSeconds(system, { jobs, work = 'noop', concurrency = 1 }) {
  const perJob = (WORK_MS[work] + (PER_JOB_MS[system] ?? 1)) / Math.max(1, concurrency);
  const enqueue = ENQUEUE_MS[system] ?? MILLRACE_ENQUEUE_MS;
  return ((SETUP_MS[system] ?? DEFAULT_SETUP_MS) + jobs * (perJob + enqueue)) / 1000;
}

/**
 * `{ section: seconds }` for a plan: `backlog` rows `{ system, jobs }` × repeats, `openLoop` runs
 * `{ system }` × (warm-up + window + drain), `matrix` rows `{ runner, jobs, work, concurrency }` ×
 * repeats, `latency` runners × samples, `micro` tasks.
 */
export function estimate({
  backlog = [],
  backlogRepeats = 1,
  openLoop = [],
  openLoopMs = 0,
  matrix = [],
  matrixRepeats = 1,
  latency = [],
  latencySamples = 0,
  microTasks = 0,
  microMs = 0,
}) {
  const sum = (list, f) => list.reduce((a, x) => a + f(x), 0);
  return {
    latency: round(
      sum(latency, () => 1.5 + latencySamples * 0.02),
      0,
    ),
    'one-clock': round(backlogRepeats * sum(backlog, (r) => rowSeconds(r.system, r)), 0),
    'open loop': round(
      sum(openLoop, (r) => (SETUP_MS[r.system] ?? DEFAULT_SETUP_MS) / 1000 + openLoopMs / 1000 + 0.5),
      0,
    ),
    matrix: round(matrixRepeats * sum(matrix, (r) => rowSeconds(r.runner, r)), 0),
    micro: round(microTasks * (microMs / 1000 + 0.3) + 2, 0),
  };
}

const minutes = (s) => `${round(s / 60, 1)} min`;

/** Prints the estimate; returns a `section(name)` timer whose `end()` logs elapsed vs estimate. */
export function startBudget(estimates, log) {
  const total = Object.values(estimates).reduce((a, b) => a + b, 0);
  log(
    `estimated duration ~${minutes(total)} on an idle 2-core machine (${Object.entries(estimates)
      .filter(([, s]) => s > 0)
      .map(([k, s]) => `${k} ${s} s`)
      .join(', ')}); a busy machine takes longer`,
  );
  const started = performance.now();
  const elapsed = {};
  return {
    elapsed,
    section(name) {
      const t0 = performance.now();
      return {
        end() {
          const s = round((performance.now() - t0) / 1000, 1);
          elapsed[name] = s;
          log(
            `section ${name}: ${s} s (estimated ${estimates[name] ?? '?'} s); ${minutes((performance.now() - started) / 1000)} so far`,
          );
        },
      };
    },
  };
}
