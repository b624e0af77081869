// Turns measured runs into rows (median jobs/s, overhead, ratio to the for-loop, jobs per month)
// and renders them: aligned terminal tables, the JSON document and the markdown report.
import { SECONDS_PER_MONTH, WINDMILL_JOBS_PER_MONTH, WORK_MS } from './matrix.mjs';
import { median, round } from './stats.mjs';

/**
 * One row from its repeated runs (`runs`: `{ jobsPerSec, p50LatencyMs?, p99LatencyMs? } | { error }`).
 * The row's numbers are medians over the runs that succeeded; any failure is kept in `errors`,
 * and a row with no successful run carries `error`.
 */
export function summariseRow({ scenario, runner, kind, jobs, work, concurrency, runs, source }) {
  const ok = runs.filter((r) => r.jobsPerSec > 0);
  const errors = runs.filter((r) => r.error).map((r) => r.error);
  const row = {
    scenario,
    runner,
    kind,
    work,
    concurrency,
    jobs,
    runs: runs.map((r) => r.jobsPerSec ?? null),
    ...(source ? { source } : {}),
  };
  if (ok.length === 0) return { ...row, error: errors[0] ?? 'no successful run', errors };
  const jobsPerSec = median(ok.map((r) => r.jobsPerSec));
  const values = ok.map((r) => r.jobsPerSec);
  const digits = jobsPerSec < 100 ? 3 : 1;
  const lat = (key) =>
    ok.some((r) => r[key] != null) ? median(ok.filter((r) => r[key] != null).map((r) => r[key])) : null;
  return {
    ...row,
    jobsPerSec: round(jobsPerSec, digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
    spreadPct: round(((Math.max(...values) - Math.min(...values)) / jobsPerSec) * 100, 1),
    overheadMs: round((concurrency * 1000) / jobsPerSec - WORK_MS[work], 3),
    p50LatencyMs: lat('p50LatencyMs'),
    p99LatencyMs: lat('p99LatencyMs'),
    latencyBasis: lat('p50LatencyMs') == null ? null : 'backlog',
    jobsPerMonth: Math.round(jobsPerSec * SECONDS_PER_MONTH),
    windmillMultiple: round((jobsPerSec * SECONDS_PER_MONTH) / WINDMILL_JOBS_PER_MONTH, 2),
    ...(errors.length ? { errors } : {}),
  };
}

/** Adds the ratio to the same scenario's for-loop, and low-load latency to Millrace's noop c=1 rows. */
export function finishRows(rows, latency) {
  for (const row of rows) {
    const limit = rows.find((r) => r.scenario === row.scenario && r.runner === 'for-loop');
    row.ratioToForLoop =
      row.jobsPerSec && limit?.jobsPerSec ? round(row.jobsPerSec / limit.jobsPerSec, 4) : null;
    const low = latency.find((l) => l.runner === row.runner && l.p50LatencyMs != null);
    if (row.kind === 'millrace' && row.scenario === 'noop-c1' && low) {
      Object.assign(row, {
        p50LatencyMs: low.p50LatencyMs,
        p99LatencyMs: low.p99LatencyMs,
        latencyBasis: 'low load',
      });
    }
  }
  return rows;
}

const millions = (v) => (v == null ? null : round(v / 1e6, 1));

/** The main table's columns, one object per row (also used for the markdown table). */
export function tableRows(rows) {
  return rows.map((r) => ({
    scenario: r.scenario,
    runner: r.runner,
    jobs: r.jobs,
    'jobs/s': r.jobsPerSec ?? null,
    repeats: r.runs.length,
    'spread %': r.spreadPct ?? null,
    'overhead ms': r.overheadMs ?? null,
    'p50 ms': r.p50LatencyMs ?? null,
    'p99 ms': r.p99LatencyMs ?? null,
    'vs for-loop': r.ratioToForLoop ?? null,
    'M jobs/month': millions(r.jobsPerMonth),
    '× Windmill': r.windmillMultiple ?? null,
    note: r.error
      ? `FAILED: ${short(r.error)}`
      : r.errors
        ? `${r.errors.length} run(s) failed`
        : [r.source === 'one-clock' ? 'the one-clock rows' : '', latencyNote(r)].filter(Boolean).join('; '),
  }));
}

const latencyNote = (r) =>
  r.latencyBasis === 'low load'
    ? 'latency: low load'
    : r.latencyBasis === 'backlog'
      ? 'latency: under backlog'
      : '';
const short = (s) => (s.length > 90 ? `${s.slice(0, 87)}…` : s);

function cell(v) {
  if (v == null) return '–';
  return typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(v);
}

export function markdownTable(rows) {
  if (rows.length === 0) return '_none_\n';
  const keys = Object.keys(rows[0]);
  const lines = [`| ${keys.join(' | ')} |`, `|${keys.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${keys.map((k) => cell(r[k]).replace(/\|/g, '\\|')).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

const sections = (seconds) =>
  seconds && Object.keys(seconds).length
    ? ` (${Object.entries(seconds)
        .filter(([, s]) => s >= 0.1)
        .map(([k, s]) => `${k} ${s} s`)
        .join(', ')})`
    : '';

/** The markdown report (bench/results/latest.md). */
export function markdown(result) {
  const { environment: env, mode, config } = result;
  const out = [];
  out.push(`# Millrace bench — ${result.date}`, '');
  out.push(
    `Mode **${mode}**: ${config.repeats} repeat(s) per row, numbers are medians. Command: \`${result.command}\`. Took ${round(result.durationMs / 1000)} s${sections(result.sectionSeconds)}.`,
    '',
  );
  out.push('## Machine', '');
  out.push(
    `- ${env.machine.cpus} × ${env.machine.cpuModel}, ${env.machine.memoryGb} GB RAM, ${env.machine.platform}, load average at start ${env.machine.loadAverage.join(' / ')}`,
  );
  out.push(
    `- Node ${env.node}; PostgreSQL ${env.postgres.version ?? env.postgres.error}; Redis ${env.redis.version ?? env.redis.error}`,
  );
  const s = env.postgres.settings ?? {};
  out.push(
    `- PostgreSQL settings: ${Object.entries(s)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  if (env.commit) out.push(`- commit ${env.commit}`);
  out.push(
    '',
    '## Targets',
    '',
    markdownTable(
      result.targets.map((t) => ({ target: t.label, value: t.value, status: t.status, note: t.note })),
    ),
  );
  out.push(...(result.sections ?? []));
  out.push('## Throughput by job length, concurrency 1 and N', '');
  out.push(
    `Jobs per row are budgeted to ~1–3 s of drain each (the **jobs** column: e.g. 3 one-second jobs at c=1, 20 at c=10;`,
    'a few dozen for the generic worker, which starts a runtime per job); every row runs **repeats** times,',
    'interleaved across runners; **spread %** = (max − min) ÷ median. The noop c=1 rows are the one-clock rows at the',
    'largest N (the same measurement, not run twice).',
    '',
  );
  out.push(
    'Every row through the one-clock driver: a backlog enqueued first (untimed), one worker; jobs/s = jobs ÷ (worker',
    "ready → the first poll of the system's own store counting every job durably done), median over repeats; the",
    "worker's start-up is in the one-clock table. overhead = concurrency × 1000 / jobs/s − the job's own work (0, 1, 10,",
    '100 or 1,000 ms). M jobs/month (per worker) = jobs/s × 86,400 × 30 / 10⁶; × Windmill = that / 26 M. p50/p99: the',
    'Millrace noop c=1 rows carry the low-load enqueue→start latency (database created_at → worker started_at).',
    '',
  );
  out.push(markdownTable(tableRows(result.rows)));
  out.push('## Enqueue→start latency at low load (Millrace)', '');
  out.push(
    markdownTable(
      result.latency.map((l) => ({
        runner: l.runner,
        samples: l.samples,
        'p50 ms': l.p50LatencyMs ?? null,
        'p99 ms': l.p99LatencyMs ?? null,
        note: l.error ?? '',
      })),
    ),
  );
  out.push('## Micro-benchmarks (tinybench)', '');
  out.push(
    markdownTable(
      result.micro.map((m) => ({
        piece: m.name,
        'ops/s': m.opsPerSec ?? null,
        'jobs/s': m.jobsPerSec ?? null,
        'mean ms': m.meanMs ?? null,
        'p50 ms': m.p50Ms ?? null,
        'p99 ms': m.p99Ms ?? null,
        samples: m.samples ?? null,
        note: m.error ?? '',
      })),
    ),
  );
  const failures = result.rows.filter((r) => r.errors?.length);
  if (failures.length) {
    out.push('## Failures', '');
    for (const r of failures) out.push(`- ${r.scenario} ${r.runner}: ${r.errors.join('; ')}`);
    out.push('');
  }
  out.push(`![throughput per runner and scenario](${result.chart})`, '');
  out.push(
    `![jobs per month per worker against Windmill's 26 M](${result.chart.replace(/\.svg$/, '.month.svg')})`,
    '',
  );
  return out.join('\n');
}
