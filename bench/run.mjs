// `npm run bench`: Millrace's runners, the peers and the in-process for-loop side by side on the
// same PostgreSQL and machine, plus low-load latency and tinybench micro-benchmarks of the pieces.
// Writes bench/results/<out>.json, .md and .svg (default out: latest, or quick with --quick, so a
// quick run never replaces the full results the README quotes).
//
//   node bench/run.mjs                     full: 3 repeats per row, medians (~20 min on 2 cores; the
//                                          estimate is printed first, each section's time as it ends)
//   node bench/run.mjs --quick             small counts, 1 repeat (< 1 min; CI proves the bench runs)
//   --scenario noop-c1,sleep100ms          scenario ids or work kinds (noop, cpu1ms, sleep10ms, sleep100ms, sleep1s)
//   --runner handlers,thread,bullmq        runners (the for-loop always runs: ratios need it)
//   --jobs N                               jobs per row, overriding the matrix
//   --no-peers / --peers                   leave out the peers everywhere / keep them in the job-length
//                                          matrix too (by default they run in the one-clock and open-loop rows)
//   --history                              only bench/history.mjs (10 M jobs of history; quick: 200 k)
//   --no-history                           accepted for older commands: no run includes history.mjs otherwise
//   --repeats N, --no-micro, --no-latency, --out NAME
//   --no-one-clock / --no-open-loop        leave out the one-clock backlog rows / the open-loop rows
//   --sizes 1000,20000 / --rates 100,1000  one-clock backlog sizes / open-loop fixed rates (default: the mode's)
//   --no-matrix                            leave out the job-length matrix
//   --compare old.json[,new.json]          only print new ÷ old for every row both have (new: results/<out>.json)
//   --readme [results.json]                only rewrite README.md's headline table from a results file
//                                          (default results/latest.json); a complete full run does it itself
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printHistory, runHistoryBench, writeHistoryResults } from './history.mjs';
import { estimate, startBudget } from './lib/budget.mjs';
import { jobsPerMonthChart, throughputChart } from './lib/chart.mjs';
import { printComparison } from './lib/compare.mjs';
import { describeEnvironment } from './lib/environment.mjs';
import {
  CONFIG,
  checkTargets,
  DEDICATED,
  jobsFor,
  LIMIT,
  MILLRACE,
  PEERS,
  RUNNERS,
  SCENARIOS,
} from './lib/matrix.mjs';
import { backlogRun } from './lib/one-clock.mjs';
import { headlineComplete, writeReadmeHeadline } from './lib/readme-headline.mjs';
import { finishRows, markdown, markdownTable, summariseRow, tableRows } from './lib/report.mjs';
import { printTable, round } from './lib/stats.mjs';
import { runMicro } from './micro.mjs';
import {
  backlogPlan,
  backlogTable,
  ONE_CLOCK,
  oneClockMarkdown,
  oneClockTargets,
  openLoopTable,
  runBacklog,
  runOpenLoop,
  systemNames,
} from './one-clock.mjs';
import { latency as measureLatency } from './runners/millrace.mjs';
import { SYSTEMS } from './systems/index.mjs';
import { dropTemplate } from './systems/millrace.mjs';

const USAGE =
  'usage: node bench/run.mjs [--quick] [--scenario ids] [--runner names] [--jobs N] [--no-peers] [--repeats N] [--no-micro] [--no-latency] [--out NAME] [--history | --no-history] [--no-one-clock] [--no-open-loop] [--no-matrix] [--sizes N,N] [--rates R,R] [--compare old.json[,new.json]] [--readme [results.json]]';

/** A comma-separated list of positive numbers, or null when the flag is absent. */
function numbers(text, flag) {
  if (text == null) return null;
  const list = text.split(',').map(Number);
  if (list.length === 0 || !list.every((n) => n > 0))
    throw new Error(`${flag} takes positive numbers\n${USAGE}`);
  return list;
}

function parseFlags(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      runner: { type: 'string' },
      jobs: { type: 'string' },
      peers: { type: 'boolean' },
      'no-peers': { type: 'boolean' },
      repeats: { type: 'string' },
      'no-micro': { type: 'boolean', default: false },
      'no-latency': { type: 'boolean', default: false },
      out: { type: 'string' },
      history: { type: 'boolean', default: false },
      'no-history': { type: 'boolean', default: false },
      'no-one-clock': { type: 'boolean', default: false },
      'no-open-loop': { type: 'boolean', default: false },
      'no-matrix': { type: 'boolean', default: false },
      sizes: { type: 'string' },
      rates: { type: 'string' },
      compare: { type: 'string' },
      readme: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > (values.readme ? 1 : 0))
    throw new Error(`unexpected argument: ${positionals.join(' ')}\n${USAGE}`);
  const list = (s) =>
    s
      ? s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : null;
  const wanted = list(values.scenario);
  const scenarios = wanted
    ? SCENARIOS.filter((s) => wanted.includes(s.id) || wanted.includes(s.work))
    : SCENARIOS.filter((s) => !(values.quick && s.fullOnly));
  const runnerNames = list(values.runner);
  const unknown = [
    ...(runnerNames ?? []).filter((r) => !RUNNERS.includes(r)),
    ...(wanted ?? []).filter((w) => !SCENARIOS.some((s) => s.id === w || s.work === w)),
  ];
  if (unknown.length || scenarios.length === 0)
    throw new Error(`unknown scenario or runner: ${unknown.join(', ') || values.scenario}\n${USAGE}`);
  const withPeers = values['no-peers'] ? false : (values.peers ?? true);
  let runners = runnerNames
    ? [LIMIT, ...RUNNERS.filter((r) => r !== LIMIT && runnerNames.includes(r))]
    : RUNNERS;
  if (!withPeers) runners = runners.filter((r) => !PEERS.includes(r));
  const mode = values.quick ? 'quick' : 'full';
  // The one-clock and open-loop rows measure every runner. The job-length matrix is generic vs
  // dedicated: the peers join it only with --peers (their one-clock rows time them), and the naive
  // generic spawn only when named with --runner.
  const oneClockRunners = runners;
  if (!values.peers) runners = runners.filter((r) => !PEERS.includes(r));
  if (!runnerNames) runners = runners.filter((r) => r !== 'generic-naive');
  const jobs = values.jobs == null ? null : Number(values.jobs);
  if (jobs != null && !(jobs > 0)) throw new Error(`--jobs must be a positive number\n${USAGE}`);
  return {
    mode,
    scenarios,
    runners,
    jobs,
    repeats: Number(values.repeats ?? CONFIG[mode].repeats),
    latencySamples: CONFIG[mode].latencySamples,
    micro: !values['no-micro'],
    latency: !values['no-latency'],
    out: values.out ?? (values.quick ? 'quick' : 'latest'),
    // A quick run stays under a minute for CI, which runs `--history --quick` as its own step.
    historyOnly: values.history,
    oneClock: !values['no-one-clock'],
    oneClockRunners,
    openLoop: !values['no-open-loop'],
    matrix: !values['no-matrix'],
    sizes: numbers(values.sizes, '--sizes'),
    rates: numbers(values.rates, '--rates'),
    repeatsGiven: values.repeats == null ? null : Number(values.repeats),
    compare: values.compare ? values.compare.split(',') : null,
    readme: values.readme ? (positionals[0] ?? null) : false,
  };
}

const kindOf = (runner) => (runner === LIMIT ? 'limit' : MILLRACE.includes(runner) ? 'millrace' : 'peer');

/**
 * One measurement of one row, through the one-clock driver like every other row: a pre-enqueued
 * backlog, the end when the last job is durably done. The row's jobs/s is the drain rate from the
 * worker being ready (start-up kept beside it), so short rows measure the jobs, not the spawn.
 * Never throws: a failure becomes `{ error }`.
 */
async function measure(runner, { work, concurrency, jobs }) {
  const perJob = { noop: 60, cpu1ms: 60, sleep10ms: 80, sleep100ms: 200, sleep1s: 1200 }[work]; // generous even for naive spawn
  const r = await backlogRun(SYSTEMS[runner], {
    runner,
    work,
    jobs,
    concurrency,
    timeoutMs: 60_000 + Math.ceil((jobs * perJob) / concurrency),
  });
  return r.error
    ? r
    : { jobsPerSec: r.drainJobsPerSec, fromWorkerStartJobsPerSec: r.jobsPerSec, startupMs: r.startupMs };
}

const fmt = (v) => (v == null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: 1 }));

/**
 * The noop c=1 row of a runner the one-clock rows measured: the same measurement (a noop backlog at
 * c=1 through the same driver), its drain jobs/s per repeat at the largest N, so it is not run twice.
 */
function fromOneClock(oneClock, runner) {
  const r = oneClock.filter((o) => o.system === runner && o.drainRuns?.length).at(-1);
  return r && { jobs: r.jobs, runs: r.drainRuns.map((jobsPerSec) => ({ jobsPerSec })) };
}

/** The matrix rows a plan measures: `{ scenario, runner, jobs, reused? }` (noop c=1 reused from one-clock). */
function matrixPlan(plan, oneClockRunners = []) {
  return plan.scenarios.flatMap((scenario) =>
    plan.runners.map((runner) => ({
      scenario,
      runner,
      jobs: plan.jobs ?? jobsFor(plan.mode, scenario.id, runner),
      reused: scenario.id === 'noop-c1' && plan.jobs == null && oneClockRunners.includes(runner),
    })),
  );
}

async function runMatrix(plan, oneClock, log) {
  const reusable = [...new Set(oneClock.filter((o) => o.drainRuns?.length).map((o) => o.system))];
  const rowsPlanned = matrixPlan(plan, reusable);
  const total = rowsPlanned.filter((r) => !r.reused).length * plan.repeats;
  let n = 0;
  const rows = [];
  for (const scenario of plan.scenarios) {
    const planned = rowsPlanned.filter((r) => r.scenario === scenario);
    const runs = new Map(planned.map((r) => [r.runner, []]));
    const jobsOf = new Map(planned.map((r) => [r.runner, r.jobs]));
    for (const r of planned.filter((p) => p.reused)) {
      const reused = fromOneClock(oneClock, r.runner);
      runs.set(r.runner, reused.runs);
      jobsOf.set(r.runner, reused.jobs);
    }
    // Repeats interleave the runners, so drift in the machine's load hits every runner alike.
    for (let rep = 1; rep <= plan.repeats; rep++) {
      for (const { runner, jobs } of planned.filter((p) => !p.reused)) {
        const t0 = performance.now();
        const result = await measure(runner, { ...scenario, jobs });
        runs.get(runner).push(result);
        const secs = round((performance.now() - t0) / 1000, 1);
        const what = result.error
          ? `FAILED (${result.error.slice(0, 120)})`
          : `${fmt(result.jobsPerSec)} jobs/s`;
        log(
          `[${String(++n).padStart(3)}/${total}] ${scenario.id.padEnd(14)} ${runner.padEnd(15)} rep ${rep}/${plan.repeats} ${String(jobs).padStart(6)} jobs: ${what} (${secs} s)`,
        );
      }
    }
    const scenarioRows = planned.map(({ runner, reused }) =>
      summariseRow({
        scenario: scenario.id,
        runner,
        kind: kindOf(runner),
        jobs: jobsOf.get(runner),
        work: scenario.work,
        concurrency: scenario.concurrency,
        runs: runs.get(runner),
        ...(reused ? { source: 'one-clock' } : {}),
      }),
    );
    rows.push(...finishRows(scenarioRows, []));
  }
  return rows;
}

async function runLatency(plan, log) {
  const out = [];
  // The dedicated runtimes only (their targets): the open-loop rows time every system's latency, and
  // 200 cold starts one at a time took a minute of a full run's budget.
  for (const runner of plan.runners.filter((r) => DEDICATED.includes(r))) {
    const t0 = performance.now();
    const r = await measureLatency({ runner, samples: plan.latencySamples }).catch((err) => ({
      error: err.message,
    }));
    out.push({ runner, samples: plan.latencySamples, ...r });
    log(
      `latency ${runner.padEnd(15)} ${r.error ? `FAILED (${r.error})` : `p50 ${r.p50LatencyMs} ms, p99 ${r.p99LatencyMs} ms`} (${round((performance.now() - t0) / 1000, 1)} s)`,
    );
  }
  return out;
}

/** A titled table; nothing at all when there are no rows (a part left out by a flag). */
function printSection(title, rows) {
  if (rows.length === 0) return;
  console.log(`\n${title}`);
  printTable(rows);
}

/** The one-clock backlog rows and the open-loop rows (one-clock.mjs); empty when left out by a flag. */
async function runOneClockSections(plan, budget, log) {
  let section = budget.section('one-clock');
  const oneClock = plan.oneClock
    ? await runBacklog(
        { mode: plan.mode, runners: plan.oneClockRunners, repeats: plan.repeatsGiven, sizes: plan.sizes },
        log,
      )
    : [];
  section.end();
  section = budget.section('open loop');
  const openLoop = plan.openLoop
    ? await runOpenLoop({ mode: plan.mode, runners: plan.oneClockRunners, rates: plan.rates }, oneClock, log)
    : [];
  section.end();
  return { oneClock, openLoop };
}

/** The run's estimate per section (lib/budget.mjs), from the rows it will measure. */
function estimatePlan(plan) {
  const oc = ONE_CLOCK[plan.mode];
  const backlog = plan.oneClock
    ? backlogPlan({ mode: plan.mode, runners: plan.oneClockRunners, sizes: plan.sizes })
    : [];
  const ol = oc.openLoop;
  const openLoopSystems = plan.openLoop ? systemNames(plan.oneClockRunners) : [];
  const ratesEach = (plan.rates ?? ol.rates).length + (ol.drainShare ? 1 : 0);
  const reusable = backlog.map((b) => b.system);
  return estimate({
    backlog,
    backlogRepeats: plan.repeatsGiven ?? oc.repeats,
    openLoop: openLoopSystems.flatMap((system) => Array(ratesEach * ol.repeats).fill({ system })),
    openLoopMs: ol.warmupMs + ol.windowMs,
    matrix: plan.matrix
      ? matrixPlan(plan, reusable)
          .filter((r) => !r.reused)
          .map((r) => ({ ...r, work: r.scenario.work, concurrency: r.scenario.concurrency }))
      : [],
    matrixRepeats: plan.repeats,
    latency: plan.latency ? plan.runners.filter((r) => DEDICATED.includes(r)) : [],
    latencySamples: plan.latencySamples,
    microTasks: plan.micro ? 5 : 0,
    microMs: plan.mode === 'quick' ? 200 : 1000,
  });
}

function printSummary({ rows, oneClock, openLoop, latency, micro, targets }) {
  printSection(
    'One clock: backlog of N noop jobs, c=1, worker start → last job durably done',
    backlogTable(oneClock),
  );
  printSection(
    "Open loop: fixed arrival rate, noop, c=1; ms on the client clock from each job's scheduled arrival",
    openLoopTable(openLoop),
  );
  printSection(
    'Throughput by job length (one clock, drain from worker ready; medians; Millrace noop-c1 latency at low load)',
    tableRows(rows),
  );
  printSection(
    'Enqueue→start latency at low load (Millrace)',
    latency.map((l) => ({
      runner: l.runner,
      'p50 ms': l.p50LatencyMs ?? null,
      'p99 ms': l.p99LatencyMs ?? null,
      note: l.error ?? '',
    })),
  );
  printSection(
    'Micro-benchmarks (tinybench)',
    micro.map((m) => ({
      piece: m.name,
      'ops/s': m.opsPerSec ?? null,
      'jobs/s': m.jobsPerSec ?? null,
      'mean ms': m.meanMs ?? null,
      'p99 ms': m.p99Ms ?? null,
      note: m.error ?? '',
    })),
  );
  printSection(
    'Targets',
    targets.map((t) => ({ target: t.label, value: t.value, status: t.status, note: t.note })),
  );
}

/** bench/history.mjs inside this run: its own table and bench/results/history[.quick].{json,md}. */
async function runHistory(plan, log) {
  const quick = plan.mode === 'quick';
  const result = await runHistoryBench({ quick, log });
  printHistory(result);
  log(`wrote ${await writeHistoryResults(result)}`);
}

async function main() {
  const plan = parseFlags(process.argv.slice(2));
  const started = Date.now();
  const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  if (plan.historyOnly) return runHistory(plan, log);
  if (plan.readme !== false) {
    const path = resolve(plan.readme ?? new URL('./results/latest.json', import.meta.url).pathname);
    const result = JSON.parse(await readFile(path, 'utf8'));
    const root = new URL('..', import.meta.url).pathname;
    return void log(`wrote ${await writeReadmeHeadline(result, relative(root, path))}`);
  }
  if (plan.compare) {
    const [oldPath, newPath = new URL(`./results/${plan.out}.json`, import.meta.url).pathname] = plan.compare;
    return void (await printComparison(oldPath, newPath));
  }
  const environment = await describeEnvironment();
  const pgInfo =
    environment.postgres.error ??
    `PostgreSQL ${environment.postgres.version} ${JSON.stringify(environment.postgres.settings)}`;
  log(
    `bench ${plan.mode}: ${plan.scenarios.length} scenario(s) × ${plan.runners.length} runner(s) × ${plan.repeats} repeat(s); ${environment.machine.cpus} × ${environment.machine.cpuModel}, Node ${environment.node}, ${pgInfo}`,
  );
  if (environment.machine.loadAverage[0] > environment.machine.cpus / 2) {
    log(
      `warning: load average ${environment.machine.loadAverage[0]} on ${environment.machine.cpus} CPUs before the run: numbers will be noisy`,
    );
  }
  const budget = startBudget(estimatePlan(plan), log);
  let section = budget.section('latency');
  const latency = plan.latency ? await runLatency(plan, log) : [];
  section.end();
  const oneClock = await runOneClockSections(plan, budget, log);
  section = budget.section('matrix');
  const rows = finishRows(plan.matrix ? await runMatrix(plan, oneClock.oneClock, log) : [], latency);
  section.end();
  section = budget.section('micro');
  const micro = plan.micro ? await runMicro({ quick: plan.mode === 'quick', log }) : [];
  section.end();
  const targets = [...checkTargets({ rows, latency }), ...oneClockTargets({ ...oneClock, rows })];
  const result = {
    date: new Date(started).toISOString(),
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    mode: plan.mode,
    config: {
      repeats: plan.repeats,
      latencySamples: plan.latencySamples,
      scenarios: plan.scenarios.map((s) => s.id),
      runners: plan.runners,
      jobsOverride: plan.jobs,
    },
    durationMs: Date.now() - started,
    sectionSeconds: budget.elapsed,
    environment,
    rows,
    ...oneClock,
    latency,
    micro,
    targets,
    chart: `${plan.out}.svg`,
  };
  printSummary(result);
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const scenarios = plan.scenarios.map((s) => ({
    id: s.id,
    title: `${s.work}, concurrency ${s.concurrency}`,
    rows: rows.filter((r) => r.scenario === s.id),
  }));
  await writeFile(new URL(`${plan.out}.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(
    new URL(`${plan.out}.md`, dir),
    markdown({ ...result, sections: oneClockMarkdown(result, markdownTable) }),
  );
  await writeFile(new URL(`${plan.out}.svg`, dir), throughputChart(scenarios));
  await writeFile(new URL(`${plan.out}.month.svg`, dir), jobsPerMonthChart(scenarios));
  log(`wrote bench/results/${plan.out}.{json,md,svg,month.svg} in ${round((Date.now() - started) / 1000)} s`);
  // Only a complete full run replaces the README's headline (a partial or quick run never does).
  if (plan.out === 'latest' && headlineComplete(result))
    log(`wrote ${await writeReadmeHeadline(result, `bench/results/${plan.out}.json`)}`);
}

// A peer's pool left idle past its run gets 57P01 when its database is dropped WITH (FORCE): that
// must not end the whole bench. Anything else still crashes it.
process.on('uncaughtException', (err) => {
  if (err?.code === '57P01')
    return console.error(`ignored a dropped bench database's connection error: ${err.message}`);
  console.error(err);
  process.exit(1);
});

main()
  .finally(() => dropTemplate().catch(() => {}))
  .then(
    () => process.exit(0), // peers' pools (pg-boss, BullMQ) may leave handles; the run is over
    (err) => {
      console.error(err.message ?? err);
      process.exit(1);
    },
  );
