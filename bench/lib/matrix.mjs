// What `npm run bench` measures: the scenarios, the runners, how many jobs each row drains (full
// and quick), and the targets from the issues, checked against the rows.

// `fullOnly` scenarios run in a full run (or when named with --scenario), never in a default --quick
// (CI's time): a quick run's noop c=1 figures are its one-clock N=1,000 rows.
export const SCENARIOS = [
  { id: 'noop-c1', work: 'noop', concurrency: 1, fullOnly: true },
  { id: 'noop-c8', work: 'noop', concurrency: 8 },
  { id: 'cpu1ms-c1', work: 'cpu1ms', concurrency: 1 },
  { id: 'cpu1ms-c2', work: 'cpu1ms', concurrency: 2, fullOnly: true },
  { id: 'sleep10ms-c1', work: 'sleep10ms', concurrency: 1, fullOnly: true },
  { id: 'sleep10ms-c10', work: 'sleep10ms', concurrency: 10, fullOnly: true },
  { id: 'sleep100ms-c1', work: 'sleep100ms', concurrency: 1 },
  { id: 'sleep100ms-c10', work: 'sleep100ms', concurrency: 10 },
  { id: 'sleep1s-c1', work: 'sleep1s', concurrency: 1, fullOnly: true },
  { id: 'sleep1s-c10', work: 'sleep1s', concurrency: 10, fullOnly: true },
];

/** The job's own work in ms: what per-job overhead is measured over. */
export const WORK_MS = { noop: 0, cpu1ms: 1, sleep10ms: 10, sleep100ms: 100, sleep1s: 1000 };

export const LIMIT = 'for-loop';
export const MILLRACE = ['handlers', 'thread', 'process', 'generic', 'generic-naive'];
export const DEDICATED = ['handlers', 'thread', 'process'];
export const PEERS = ['graphile-worker', 'pg-boss', 'bullmq'];
export const RUNNERS = [LIMIT, ...MILLRACE, ...PEERS];

export const WINDMILL_JOBS_PER_MONTH = 26_000_000;
export const SECONDS_PER_MONTH = 86_400 * 30;

// Jobs per row, budgeted so a full run stays near 20 minutes on 2 cores: each row drains for about
// 1–3 s (1 s jobs: 3 at c=1, 20 at c=10), the generic worker (~70 ms a cold start) a few dozen.
// A full run's noop c=1 rows are its one-clock rows at the largest N (the same measurement).
const NOOP_FULL = { 'for-loop': 100_000, generic: 50, 'generic-naive': 30, 'pg-boss': 2_000, peer: 10_000 };
const NOOP_QUICK = {
  'for-loop': 2_000,
  dedicated: 2_000,
  generic: 5,
  'generic-naive': 10,
  'pg-boss': 500,
  peer: 1_000,
};
const CPU_FULL = { 'for-loop': 1_000, dedicated: 1_000, generic: 40, 'generic-naive': 30, peer: 1_000 };
const CPU_QUICK = { 'for-loop': 300, dedicated: 300, generic: 5, 'generic-naive': 10, peer: 300 };

/**
 * Jobs per row. Keys: a runner name, or `dedicated` / `peer` for the group; the first match wins.
 * Full: the noop c=1 backlog of 100,000 is the dedicated-worker issue's requirement (the one-clock
 * N=100,000 rows); the rest keeps every row to a few seconds (pg-boss drains ~300/s, generic ~15/s).
 */
const JOBS = {
  full: {
    'noop-c1': { ...NOOP_FULL, dedicated: 100_000, peer: 20_000 },
    'noop-c8': { ...NOOP_FULL, dedicated: 10_000 },
    'cpu1ms-c1': CPU_FULL,
    'cpu1ms-c2': CPU_FULL,
    'sleep10ms-c1': { 'for-loop': 100, dedicated: 100, generic: 30, 'generic-naive': 20, peer: 100 },
    'sleep10ms-c10': { 'for-loop': 500, dedicated: 500, generic: 100, 'generic-naive': 50, peer: 500 },
    'sleep100ms-c1': { 'for-loop': 20, dedicated: 20, generic: 20, 'generic-naive': 10, peer: 20 },
    'sleep100ms-c10': { 'for-loop': 200, dedicated: 200, generic: 100, 'generic-naive': 50, peer: 200 },
    'sleep1s-c1': { 'for-loop': 3, dedicated: 3, generic: 3, 'generic-naive': 3, peer: 3 },
    'sleep1s-c10': { 'for-loop': 20, dedicated: 20, generic: 20, 'generic-naive': 20, peer: 20 },
  },
  quick: {
    'noop-c1': NOOP_QUICK,
    'noop-c8': NOOP_QUICK,
    'cpu1ms-c1': CPU_QUICK,
    'cpu1ms-c2': CPU_QUICK,
    'sleep10ms-c1': { 'for-loop': 20, dedicated: 20, generic: 10, 'generic-naive': 5, peer: 10 },
    'sleep10ms-c10': { 'for-loop': 50, dedicated: 50, generic: 20, 'generic-naive': 10, peer: 50 },
    'sleep100ms-c1': { 'for-loop': 10, dedicated: 10, generic: 5, 'generic-naive': 5, peer: 5 },
    'sleep100ms-c10': { 'for-loop': 50, dedicated: 50, generic: 10, 'generic-naive': 10, peer: 50 },
    'sleep1s-c1': { 'for-loop': 2, dedicated: 2, generic: 2, 'generic-naive': 2, peer: 2 },
    'sleep1s-c10': { 'for-loop': 10, dedicated: 10, generic: 10, 'generic-naive': 10, peer: 10 },
  },
};

export const CONFIG = {
  full: { repeats: 3, latencySamples: 200 },
  quick: { repeats: 1, latencySamples: 15 },
};

export function jobsFor(mode, scenarioId, runner) {
  const table = JOBS[mode][scenarioId];
  const group = DEDICATED.includes(runner) ? 'dedicated' : PEERS.includes(runner) ? 'peer' : runner;
  return table[runner] ?? table[group];
}

/** The issues' targets; `row(scenario, runner)` and `latency(runner)` look up measured values. */
export const TARGETS = [
  {
    runner: 'handlers',
    scenario: 'noop-c1',
    metric: 'jobsPerSec',
    min: 30_000,
    minJobs: 100_000,
    label: 'handlers noop jobs/s ≥ 30,000',
  },
  {
    runner: 'thread',
    scenario: 'noop-c1',
    metric: 'jobsPerSec',
    min: 15_000,
    minJobs: 100_000,
    label: 'thread noop jobs/s ≥ 15,000',
  },
  ...DEDICATED.flatMap((runner) => [
    {
      runner,
      scenario: 'sleep100ms-c1',
      metric: 'jobsPerSec',
      min: 9.95,
      label: `${runner} 100 ms c=1 jobs/s ≥ 9.95`,
    },
    {
      runner,
      scenario: 'sleep100ms-c1',
      metric: 'overheadMs',
      max: 0.5,
      label: `${runner} 100 ms c=1 overhead ≤ 0.5 ms`,
    },
  ]),
  {
    runner: 'generic',
    scenario: 'sleep100ms-c1',
    metric: 'jobsPerSec',
    min: 9.0,
    label: 'generic 100 ms c=1 jobs/s ≥ 9.0',
  },
  ...DEDICATED.flatMap((runner) => [
    { runner, latency: true, metric: 'p50LatencyMs', max: 5, label: `${runner} enqueue→start p50 ≤ 5 ms` },
    { runner, latency: true, metric: 'p99LatencyMs', max: 15, label: `${runner} enqueue→start p99 ≤ 15 ms` },
  ]),
];

/** Checks every target: `{ label, value, status: 'PASS'|'MISS'|'not run', note }`. */
export function checkTargets({ rows, latency }) {
  return TARGETS.map((t) => {
    const source = t.latency
      ? latency.find((l) => l.runner === t.runner)
      : rows.find((r) => r.scenario === t.scenario && r.runner === t.runner);
    const value = source?.[t.metric];
    if (value == null) return { label: t.label, value: null, status: 'not run', note: source?.error ?? '' };
    const ok = t.min != null ? value >= t.min : value <= t.max;
    const note =
      t.minJobs && source.jobs < t.minJobs ? `backlog ${source.jobs} < ${t.minJobs}: indicative only` : '';
    return { label: t.label, value, status: ok ? 'PASS' : 'MISS', note };
  });
}
