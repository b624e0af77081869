// The one-clock sections of `npm run bench` (see lib/one-clock.mjs for the clock itself):
//   backlog rows — every system drains the same N (several N) from the same start to the same end
//   open-loop rows — every system fed at fixed arrival rates, per-job latency on the client's clock
// Each run records the machine's load before (idle sample) and during; rows say when it was busy.
import { isBusy, sampleIdleLoad, startLoadWindow } from './lib/load.mjs';
import { backlogRun } from './lib/one-clock.mjs';
import { openLoopRun } from './lib/open-loop.mjs';
import { median, round } from './lib/stats.mjs';
import { SYSTEMS } from './systems/index.mjs';

/**
 * Sizes, repeats and rates per mode. Open-loop `drainShare` adds a rate at that share of the system's
 * drain rate. A full run is budgeted to ~20 minutes on 2 cores (lib/budget.mjs prints the estimate):
 * the open loop's window is 2 s after 0.5 s of warm-up, three times, rather than one long window.
 */
export const ONE_CLOCK = {
  full: {
    sizes: [1_000, 20_000, 100_000],
    repeats: 3,
    idleSampleMs: 300,
    openLoop: { rates: [100, 1_000], drainShare: 0.5, warmupMs: 500, windowMs: 2_000, repeats: 3 },
  },
  quick: {
    sizes: [1_000],
    repeats: 1,
    idleSampleMs: 100,
    openLoop: { rates: [100], drainShare: null, warmupMs: 200, windowMs: 600, repeats: 1 },
  },
};

/**
 * Caps on N, stated in the table header: pg-boss drains 200–500 jobs/s at c=1 on 2 cores (20 k would
 * take 1.5 minutes a repeat), BullMQ ~3 k/s, and the generic worker starts a runtime per job (~15
 * jobs/s). A capped system runs only at the sizes whose capped count differs from the previous one's.
 */
export const MAX_JOBS = {
  full: { 'pg-boss': 2_000, bullmq: 20_000, generic: 50, 'generic-naive': 50 },
  quick: { 'pg-boss': 200, bullmq: 1_000, generic: 10, 'generic-naive': 10 },
};
const TIMEOUT_MS = (jobs) => 60_000 + jobs * 5;

/** The open loop's highest rate: the for-loop's half-drain rate would be 10⁵ pushes a second. */
const MAX_OPEN_RATE = 10_000;

const jobsFor = (mode, size, name) => Math.min(size, MAX_JOBS[mode][name] ?? size);

/** The systems of the one-clock rows (the naive generic spawn is only a job-length row). */
export const systemNames = (runners) =>
  Object.keys(SYSTEMS).filter((s) => s !== 'generic-naive' && runners.includes(s));

async function withLoad(idleSampleMs, fn) {
  const before = await sampleIdleLoad(idleSampleMs);
  const during = startLoadWindow();
  const result = await fn();
  return { ...result, loadBefore: before, loadDuring: during.stop(), busy: isBusy(before) };
}

/** Median and spread of repeated runs of one row; the load of every run is kept. */
export function summarise({ runs, ...row }, metric) {
  const ok = runs.filter((r) => r[metric] > 0);
  const values = ok.map((r) => r[metric]);
  const out = {
    ...row,
    repeats: runs.length,
    busy: runs.some((r) => r.busy),
    load: runs.map((r) => ({ before: r.loadBefore, during: r.loadDuring })),
  };
  if (ok.length === 0) return { ...out, error: runs.find((r) => r.error)?.error ?? 'no successful run' };
  const med = median(values);
  return {
    ...out,
    [metric]: round(med, med < 100 ? 3 : 1),
    min: round(Math.min(...values), med < 100 ? 3 : 1),
    max: round(Math.max(...values), med < 100 ? 3 : 1),
    spreadPct: round(((Math.max(...values) - Math.min(...values)) / med) * 100, 1),
    startupMs: median(ok.map((r) => r.startupMs).filter((v) => v != null)),
    drainJobsPerSec: round(median(ok.map((r) => r.drainJobsPerSec).filter((v) => v != null)), 1),
    drainRuns: ok.map((r) => r.drainJobsPerSec),
    ...(ok.length < runs.length ? { errors: runs.filter((r) => r.error).map((r) => r.error) } : {}),
  };
}

/**
 * The backlog rows a run will measure, in order: every size × system, except a capped system at a
 * size where it would drain the same count as at the previous size (the same measurement again).
 */
export function backlogPlan({ mode, runners, sizes }) {
  const names = systemNames(runners);
  const out = [];
  for (const [i, size] of (sizes ?? ONE_CLOCK[mode].sizes).entries()) {
    for (const name of names) {
      const jobs = jobsFor(mode, size, name);
      const previous = i > 0 ? jobsFor(mode, (sizes ?? ONE_CLOCK[mode].sizes)[i - 1], name) : null;
      if (jobs !== previous) out.push({ size, system: name, jobs });
    }
  }
  return out;
}

/** Backlog rows: every planned size × system, repeats interleaved across systems so drift hits all alike. */
export async function runBacklog({ mode, runners, repeats, sizes }, log) {
  const cfg = ONE_CLOCK[mode];
  const plan = backlogPlan({ mode, runners, sizes });
  const rows = [];
  for (const size of new Set(plan.map((p) => p.size))) {
    const here = plan.filter((p) => p.size === size);
    const runs = new Map(here.map((p) => [p.system, []]));
    for (let rep = 1; rep <= (repeats ?? cfg.repeats); rep++) {
      for (const { system: name, jobs } of here) {
        const r = await withLoad(cfg.idleSampleMs, () =>
          backlogRun(SYSTEMS[name], { jobs, work: 'noop', concurrency: 1, timeoutMs: TIMEOUT_MS(jobs) }),
        );
        runs.get(name).push(r);
        log(
          `one-clock ${String(size).padStart(6)} ${name.padEnd(15)} rep ${rep}: ${r.error ? `FAILED (${r.error.slice(0, 100)})` : `${r.jobsPerSec} jobs/s, start-up ${r.startupMs} ms`}${r.busy ? ' [busy]' : ''}`,
        );
      }
    }
    for (const { system, jobs } of here)
      rows.push(summarise({ size, system, jobs, runs: runs.get(system) }, 'jobsPerSec'));
  }
  return rows;
}

/** Each system's open-loop rates: the fixed ones, plus `drainShare` of its largest-N drain rate. */
function openLoopRates(cfg, name, backlogRows) {
  const drain = backlogRows.filter((r) => r.system === name && r.drainJobsPerSec).at(-1)?.drainJobsPerSec;
  const rates = cfg.rates.map((rate) => ({ rate, basis: 'fixed' }));
  if (cfg.drainShare && drain)
    rates.push({
      rate: Math.min(MAX_OPEN_RATE, Math.round(drain * cfg.drainShare)),
      basis: `${cfg.drainShare * 100} % of drain`,
    });
  // Above what it drains with a backlog, the queue would only grow: latency would be the window.
  return rates.map((r) =>
    drain && r.rate > drain ? { ...r, skipped: `above its drain rate ${drain}/s` } : r,
  );
}

/**
 * Open-loop rows: each system at the fixed rates and at `drainShare` of its largest-N drain rate,
 * `repeats` times (interleaved across systems); every percentile is the median over the repeats.
 */
export async function runOpenLoop({ mode, runners, rates, repeats }, backlogRows, log) {
  const cfg = { ...ONE_CLOCK[mode].openLoop, ...(rates ? { rates } : {}), ...(repeats ? { repeats } : {}) };
  const plan = systemNames(runners).flatMap((system) =>
    openLoopRates(cfg, system, backlogRows).map((r) => ({ system, ...r, runs: [] })),
  );
  for (const row of plan.filter((p) => p.skipped))
    log(`open loop ${row.system.padEnd(15)} ${String(row.rate).padStart(6)}/s: skipped (${row.skipped})`);
  for (let rep = 1; rep <= cfg.repeats; rep++) {
    for (const row of plan.filter((p) => !p.skipped)) {
      const r = await withLoad(ONE_CLOCK[mode].idleSampleMs, () =>
        openLoopRun(SYSTEMS[row.system], { rate: row.rate, work: 'noop', concurrency: 1, ...cfg }),
      );
      row.runs.push(r);
      log(
        `open loop ${row.system.padEnd(15)} ${String(row.rate).padStart(6)}/s rep ${rep}: ${r.error ? `FAILED (${r.error.slice(0, 100)})` : `achieved ${r.achievedJobsPerSec}/s, start p50 ${r.start.p50} p99 ${r.start.p99} ms, done p99 ${r.done.p99} ms`}${r.busy ? ' [busy]' : ''}`,
      );
    }
  }
  return plan.map(({ runs, ...row }) => (row.skipped ? row : summariseOpenLoop({ ...row, runs })));
}

const PERCENTILES = ['p50', 'p95', 'p99', 'max'];

/** One open-loop row from its repeats: median of each figure, start p99's min–max and spread. */
export function summariseOpenLoop({ runs, ...row }) {
  const ok = runs.filter((r) => !r.error);
  const out = {
    ...row,
    repeats: runs.length,
    busy: runs.some((r) => r.busy),
    load: runs.map((r) => ({ before: r.loadBefore, during: r.loadDuring })),
    ...(ok.length < runs.length ? { errors: runs.filter((r) => r.error).map((r) => r.error) } : {}),
  };
  if (ok.length === 0) return { ...out, error: runs.find((r) => r.error)?.error ?? 'no successful run' };
  const med = (pick) => {
    const values = ok.map(pick).filter((v) => v != null);
    return values.length ? round(median(values), 2) : null;
  };
  const latency = (key) => Object.fromEntries(PERCENTILES.map((p) => [p, med((r) => r[key]?.[p])]));
  const p99s = ok.map((r) => r.start.p99).filter((v) => v != null);
  return {
    ...out,
    windowJobs: med((r) => r.windowJobs),
    unfinished: med((r) => r.unfinished),
    producerLate: med((r) => r.producerLate),
    achievedJobsPerSec: med((r) => r.achievedJobsPerSec),
    start: latency('start'),
    done: latency('done'),
    send: latency('send'),
    push: latency('push'),
    startP99Min: p99s.length ? Math.min(...p99s) : null,
    startP99Max: p99s.length ? Math.max(...p99s) : null,
  };
}

/** Table rows (terminal and markdown) for the backlog section. */
export const backlogTable = (rows) =>
  rows.map((r) => ({
    N: r.size,
    system: r.system,
    jobs: r.jobs,
    'jobs/s (median)': r.jobsPerSec ?? null,
    'min–max': r.min == null ? null : `${r.min}–${r.max}`,
    'spread %': r.spreadPct ?? null,
    'start-up ms': r.startupMs ?? null,
    'drain jobs/s': r.drainJobsPerSec ?? null,
    'CPU busy before': r.load.map((l) => l.before.cpuBusy).join('/'),
    note: [
      r.busy ? 'BUSY' : '',
      r.error ? `FAILED: ${r.error.slice(0, 80)}` : '',
      r.errors ? `${r.errors.length} failed` : '',
    ]
      .filter(Boolean)
      .join(' '),
  }));

export const openLoopTable = (rows) =>
  rows.map((r) => ({
    system: r.system,
    'rate/s': r.rate,
    basis: r.basis,
    'achieved/s': r.achievedJobsPerSec ?? null,
    'start p50': r.start?.p50 ?? null,
    'start p95': r.start?.p95 ?? null,
    'start p99': r.start?.p99 ?? null,
    'start p99 min–max': r.startP99Min == null ? null : `${r.startP99Min}–${r.startP99Max}`,
    'start max': r.start?.max ?? null,
    'done p50': r.done?.p50 ?? null,
    'done p95': r.done?.p95 ?? null,
    'done p99': r.done?.p99 ?? null,
    'done max': r.done?.max ?? null,
    'send lag p99': r.send?.p99 ?? null,
    'push p99': r.push?.p99 ?? null,
    note: [
      r.busy ? 'BUSY' : '',
      r.unfinished ? `${r.unfinished} unfinished` : '',
      r.producerLate ? `${r.producerLate} sent ≥ 1 ms late` : '',
      r.error ? `FAILED: ${r.error.slice(0, 80)}` : '',
      r.skipped ? `not run: ${r.skipped}` : '',
    ]
      .filter(Boolean)
      .join(' '),
  }));

/** The caps on N a mode applies, as the table header states them. */
export function capsNote(mode) {
  const caps = Object.entries(MAX_JOBS[mode]).filter(([name]) => name !== 'generic-naive');
  return `Capped (jobs < N): ${caps.map(([name, n]) => `${name} ≤ ${n.toLocaleString('en-US')}`).join(', ')} jobs — they drain slowly at c=1; a capped system is not rerun at a larger N once it hits its cap.`;
}

function openLoopCfgNote(mode) {
  const c = ONE_CLOCK[mode].openLoop;
  return `a ${c.warmupMs} ms warm-up (a ${c.windowMs} ms window)`;
}

/** The markdown sections for results/<out>.md: what each column measures, then the tables. */
export function oneClockMarkdown({ oneClock = [], openLoop = [], mode = 'full' }, markdownTable) {
  const out = [];
  const repeats = (rows) => [...new Set(rows.map((r) => r.repeats))].join('/');
  if (oneClock.length) {
    out.push(
      '## One clock: backlog drain (every system, same N, same start and end)',
      '',
      'N noop jobs enqueued before the clock (untimed), concurrency 1, one worker in this process. Clock: this',
      "process's performance clock, from the call that starts the worker to the first poll of the system's own store",
      'that counts N jobs durably done (Millrace: `job_completed` rows with status success; graphile-worker: its job',
      'rows deleted; pg-boss: `state = completed`; BullMQ: no job left waiting/active/delayed/failed; for-loop: a',
      'counter); the end is when that count query was sent (polls every 1 % of the elapsed time, every 2 ms near N).',
      `**jobs/s** = N ÷ that time (median of ${repeats(oneClock)} repeats;`,
      '**min–max**, **spread %** = (max − min) ÷ median). **start-up ms** = worker start call → resolved (median).',
      '**drain jobs/s** = N ÷ (end − worker ready). **CPU busy before** = share of CPU busy on the whole machine over',
      'an idle moment just before each repeat (/proc/stat); **BUSY** = some repeat started with > 50 % busy: other',
      `work on the machine, treat as noise. ${capsNote(mode)}`,
      '',
      markdownTable(backlogTable(oneClock)),
    );
  }
  if (openLoop.length) {
    out.push(
      '## Open loop: fixed arrival rate (steady load)',
      '',
      'Job k is due at k ÷ rate. A producer in its own process (bench/lib/open-loop-producer.mjs) pushes it through',
      "the system's own calls on 4 lanes (a pool of 4 connections): one job with the single push when a lane is free,",
      'the jobs that came due while all 4 were busy in one bulk call (Millrace `pushMany`, graphile-worker `addJobs`,',
      'pg-boss `insert`, BullMQ `addBulk`; the for-loop over IPC) — on PostgreSQL a commit that NOTIFYs waits for the',
      'previous one, fsync included, so one job per transaction stops at 1 ÷ fsync a second. noop, c=1, worker',
      `started first. After ${openLoopCfgNote(mode)}, the jobs due in the window are measured in ms from their due time (a slow`,
      'push never delays the next arrival; a system whose pushes fall behind pays for it: no coordinated omission),',
      'on one clock, CLOCK_MONOTONIC (the same in every process and thread): **start** = handler start, stamped by',
      'the handler (Millrace: the job returns it, from a thread or process runtime too); **done** = Millrace: the',
      "job's `completed_at` (its completion transaction, moved onto the same clock); peers and for-loop: handler",
      'return (their per-job completion write is not timestamped). **achieved/s** = window jobs done by the window',
      'end, per second. **send lag p99** = how late the producer sent (its own delay, part of start and done);',
      "**push p99** = the push call's round trip.",
      "basis: a fixed rate, or a share of the system's one-clock drain rate (at most 10,000/s). Every figure is the",
      `median of ${repeats(openLoop.filter((r) => r.repeats))} repeats; **start p99 min–max** its range over them.`,
      '',
      markdownTable(openLoopTable(openLoop)),
    );
  }
  return out;
}

/** Issue 20's targets on the one-clock rows: `{ label, value, status, note }` like checkTargets. */
export function oneClockTargets({ oneClock = [], openLoop = [], rows = [] }) {
  const status = (value, ok) => (value == null ? 'not run' : ok ? 'PASS' : 'MISS');
  const out = [];
  for (const size of [20_000, 100_000]) {
    const at = (system) => oneClock.find((r) => r.size === size && r.system === system);
    const gw = at('graphile-worker')?.jobsPerSec;
    for (const [system, min] of [
      ['handlers', 1.5],
      ['thread', 1],
    ]) {
      const mine = at(system)?.jobsPerSec;
      const ratio = mine && gw ? round(mine / gw, 2) : null;
      out.push({
        label: `${system} ≥ ${min}× graphile-worker (batched), one clock, N=${size.toLocaleString('en-US')}`,
        value: ratio,
        status: status(ratio, ratio >= min),
        note: at(system)?.busy || at('graphile-worker')?.busy ? 'busy machine' : '',
      });
    }
  }
  for (const system of ['handlers', 'thread', 'process']) {
    const r = openLoop.find((o) => o.system === system && o.rate === 1_000 && o.start);
    const v = r?.start.p99 ?? null;
    out.push({
      label: `${system} open loop 1,000/s enqueue→start p99 ≤ 10 ms`,
      value: v,
      status: status(v, v <= 10),
      note: r?.busy ? 'busy machine' : '',
    });
    const idle = openLoop.find((o) => o.system === system && o.rate === 100 && o.start);
    for (const [key, max] of [
      ['p50', 3.5],
      ['p99', 8],
    ]) {
      const w = idle?.start[key] ?? null;
      out.push({
        label: `${system} push→start ${key} ≤ ${max} ms at 100/s (client clock)`,
        value: w,
        status: status(w, w <= max),
        note: idle?.busy ? 'busy machine' : '',
      });
    }
  }
  const generic =
    rows.find((r) => r.scenario === 'sleep100ms-c1' && r.runner === 'generic')?.jobsPerSec ?? null;
  out.push({
    label: 'generic 100 ms c=1 jobs/s ≥ 9.7',
    value: generic,
    status: status(generic, generic >= 9.7),
    note: '',
  });
  return out;
}
