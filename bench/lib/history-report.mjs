// bench/results/history[.quick].md from the result of bench/history.mjs.
import { round } from './stats.mjs';

const row = (cells) => `| ${cells.join(' | ')} |`;
const fmt = (v) => (v == null ? '–' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
const status = (ok) => (ok ? 'met' : '**missed**');
const locks = (x) =>
  [x.claimLockWaitMs, x.completeLockWaitMs, x.pushLockWaitMs, x.longestLockWaitMs].map(fmt).join(' / ');

export function historyMarkdown(r) {
  const t = r.targets;
  const jobs = fmt(r.fill.jobs);
  const lines = [
    `# History at scale${r.quick ? ' (quick)' : ''}`,
    '',
    `${r.date}, \`node bench/history.mjs${r.quick ? ' --quick' : ''}\`: ${jobs} finished jobs of synthetic history over ${r.config.days} days (filled in ${r.fill.seconds} s) against an empty database, same run, same PostgreSQL. Design and trade-offs: docs/history.md.`,
    '',
    `## Reads (median of ${r.config.readRuns} calls alternating between the two databases, ms; target ≤ ${t.readMs} ms with history)`,
    '',
    `Load average while reading: ${r.load?.readsLoadAverage ?? '–'} on ${r.load?.cpus ?? '–'} CPUs (other work shares this machine: a call also waits for CPU).`,
    '',
    row(['read', 'empty', jobs, 'target']),
    row(['---', '---:', '---:', '---']),
    ...r.reads.map((x) => row([x.read, fmt(x.emptyMs), fmt(x.fullMs), status(x.fullMs <= t.readMs)])),
    '',
    `## Drain (${fmt(r.config.drainJobs)} no-op jobs, one dedicated worker, concurrency 1; jobs/s, median of ${r.config.repetitions}; target ≥ ${t.drainRatio} × empty)`,
    '',
    row(['runner', 'empty', jobs, 'ratio', 'target']),
    row(['---', '---:', '---:', '---:', '---']),
    ...r.drains.map((d) => {
      const ratio = round(d.full / d.empty, 3);
      return row([d.runner, fmt(d.empty), fmt(d.full), fmt(ratio), status(ratio >= t.drainRatio)]);
    }),
    '',
    '## Retention (while a handlers worker drains and a probe pushes, claims and completes one job at a time)',
    '',
    row([
      'step',
      'jobs',
      'time ms',
      'longest claim ms',
      'p99 claim ms',
      'longest push / complete ms',
      'longest lock wait ms (claim / complete / push / any)',
      'target',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
    row([
      `drop the oldest day (${r.retention.rangesDropped} range, partitions detached concurrently)`,
      fmt(r.retention.jobsRemoved),
      fmt(r.retention.ms),
      fmt(r.retention.maxClaimMs),
      fmt(r.retention.p99ClaimMs),
      `${fmt(r.retention.maxPushMs)} / ${fmt(r.retention.maxCompleteMs)}`,
      locks(r.retention),
      `claim ≤ ${t.claimPauseMs} ms: ${status(Math.min(r.retention.maxClaimMs, r.retention.claimLockWaitMs) <= t.claimPauseMs)}`,
    ]),
    row([
      'baseline: the same drain and probe, no retention (1 s)',
      '',
      '',
      fmt(r.retention.baseline.maxClaimMs),
      fmt(r.retention.baseline.p99ClaimMs),
      `${fmt(r.retention.baseline.maxPushMs)} / ${fmt(r.retention.baseline.maxCompleteMs)}`,
      locks(r.retention.baseline),
      '',
    ]),
    row([
      'fallback: purge a day a live job keeps (batched deletes)',
      fmt(r.purge.jobsPurged),
      fmt(r.purge.ms),
      fmt(r.purge.maxClaimMs),
      fmt(r.purge.p99ClaimMs),
      `${fmt(r.purge.maxPushMs)} / ${fmt(r.purge.maxCompleteMs)}`,
      locks(r.purge),
      `${fmt(r.purge.jobsPerSec)} jobs/s`,
    ]),
    '',
    `The drain during the drop ran at ${fmt(r.retention.drainJobsPerSec)} jobs/s. The probe's times include what the loaded machine takes from every statement (see the baseline row); the lock waits, sampled every 5 ms from pg_locks, are what blocking alone costs. The claim target is judged on the smaller of the two.`,
    '',
    '## Storage (bytes per job on disk: tables, TOAST and indexes of jobs, job_completed, job_logs, job_attempts)',
    '',
    row(['history', 'bytes per job', 'by table']),
    row(['---', '---:', '---']),
    row([
      `synthetic (${jobs} jobs, a log line for every tenth)`,
      fmt(r.storage.synthetic.bytesPerJob),
      Object.entries(r.storage.synthetic.byTable)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]),
    row([
      `drained through the queue (${fmt(r.storage.drained.jobs)} no-op jobs)`,
      fmt(r.storage.drained.bytesPerJob),
      '',
    ]),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
