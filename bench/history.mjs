// History at scale (docs/history.md): the read side, the drain and retention with a large history,
// each next to the same measurement on an empty database in the same run.
//   reads     counts(), the overview (/api/counts, /api/stats/throughput), /metrics, list by status,
//             path and tag: medians of several calls, ms
//   drain     a backlog drained by one dedicated worker, in-host handlers and the thread runtime
//   retention the oldest day of history dropped while a worker drains, with a probe pushing,
//             claiming and completing one job at a time: the longest claim during the drop; then
//             the fallback (a range a live job keeps: its old jobs deleted in batches)
//   storage   bytes per job on disk: the synthetic history, and real jobs drained through the queue
// Two fresh PostgreSQL databases (DATABASE_URL names another server), dropped at the end.
//
//   npm run build && node bench/history.mjs           full: 10 M jobs of history over 10 days (~15 min)
//   node bench/history.mjs --quick                    200 k jobs over 4 days (< 1 min)
//   npm run bench -- --history [--quick]              the same through bench/run.mjs
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '@millrace/db';
import { History, Queue } from '@millrace/queue';
import { createServer } from '@millrace/server';
import { Settings } from '@millrace/settings';
import { createBenchDatabase } from './lib/database.mjs';
import { drainWith, probeHotPath, watchLockWaits } from './lib/history-drain.mjs';
import { fillHistory, historyBytes } from './lib/history-fill.mjs';
import { historyMarkdown } from './lib/history-report.mjs';
import { median, printTable, round } from './lib/stats.mjs';

const DAY_MS = 86_400_000;
export const FULL = { jobs: 10_000_000, days: 10, drainJobs: 100_000, repetitions: 3, readRuns: 15 };
export const QUICK = { jobs: 200_000, days: 4, drainJobs: 10_000, repetitions: 1, readRuns: 5 };
export const TARGETS = { readMs: 10, drainRatio: 0.9, claimPauseMs: 100 };

/** A database with the schema, a script, a Queue and a server (not listening: app.inject). */
async function openSystem(url) {
  const db = await openDb({ url, poolSize: 4 });
  const settings = new Settings(db);
  const script = await settings.deployScript({
    path: 'f/bench/job',
    content: 'export function main() { return null; }',
  });
  await settings.setScriptSettings('f/bench/job', { dedicated: true });
  const queue = new Queue(db, { settings });
  const app = await createServer({ db, queue, settings, uiDir: null, defaultMetrics: false });
  const close = async () => {
    await app.close();
    await db.close();
  };
  return { url, db, settings, queue, app, hash: script.hash, close };
}

/** The reads the UI and a Prometheus scrape make, each a function returning when answered. */
function reads({ queue, app }) {
  const get = async (url) => {
    const res = await app.inject({ url });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  };
  return {
    'counts()': () => queue.counts(),
    'overview /api/counts': () => get('/api/counts'),
    'throughput chart (10 min)': () => get('/api/stats/throughput?minutes=10'),
    'throughput chart (60 min, 1 s)': () => get('/api/stats/throughput?minutes=60&bucketSeconds=1'),
    '/metrics': () => get('/metrics'),
    'list newest': () => queue.list({ limit: 51 }),
    'list failures': () => queue.list({ status: 'failure', limit: 51 }),
    'list failures by path': () => queue.list({ status: 'failure', path: 'f/app/job10', limit: 51 }),
    'list failures by tag': () => queue.list({ status: ['failure', 'canceled'], tag: 'gpu', limit: 51 }),
    'list successes': () => queue.list({ status: 'success', limit: 51 }),
    'list by path': () => queue.list({ path: 'f/app/job7', limit: 51 }),
    'list by rare tag': () => queue.list({ tag: 'gpu', limit: 51 }),
    'list queued': () => queue.list({ status: 'queued', limit: 51 }),
  };
}

/**
 * Each read on both databases, calls alternating between them so the machine's load falls on both
 * alike; medians in ms.
 */
async function measureReads(empty, full, runs) {
  const sides = { empty: reads(empty), full: reads(full) };
  const out = [];
  for (const name of Object.keys(sides.empty)) {
    const times = { empty: [], full: [] };
    for (const side of ['empty', 'full']) await sides[side][name](); // warm: plans, caches
    for (let i = 0; i < runs; i++) {
      for (const side of ['empty', 'full']) {
        const t0 = performance.now();
        await sides[side][name]();
        times[side].push(performance.now() - t0);
      }
    }
    out.push({ read: name, emptyMs: round(median(times.empty), 2), fullMs: round(median(times.full), 2) });
  }
  return out;
}

/** The oldest day dropped by retention while a worker drains and a probe runs the hot path. */
async function measureRetention(system, config, log) {
  const { db } = system;
  const before = await db.query('SELECT count(*)::float8 AS n FROM millrace.jobs');
  const history = new History(db, { retentionMs: (config.days - 1.5) * DAY_MS });
  const drain = drainWith(system, { runner: 'handlers', jobs: 3 * config.drainJobs });
  await drain.started;
  // the same probe first without retention: what this machine's claims take during a drain anyway
  const baselineProbe = probeHotPath(system);
  const baselineLocks = watchLockWaits(system.url);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const baseline = { ...(await baselineProbe.stop()), ...(await baselineLocks.stop()) };
  const probe = probeHotPath(system);
  const locks = watchLockWaits(system.url);
  const t0 = performance.now();
  const report = await history.maintain();
  const ms = performance.now() - t0;
  const during = { ...(await probe.stop()), ...(await locks.stop()) };
  const drained = await drain.done;
  const after = await db.query('SELECT count(*)::float8 AS n FROM millrace.jobs');
  log(
    `  retention dropped ${report.rangesDropped} range(s) in ${round(ms)} ms; longest claim ${during.maxClaimMs} ms (${baseline.maxClaimMs} ms without), longest lock wait ${during.longestLockWaitMs} ms`,
  );
  return {
    jobsRemoved: before.rows[0].n - after.rows[0].n + 3 * config.drainJobs,
    ms: round(ms),
    rangesDropped: report.rangesDropped,
    ...during,
    baseline,
    drainJobsPerSec: drained.jobsPerSec,
  };
}

/** The fallback: the next oldest day holds one live job, so its old jobs are deleted in batches. */
async function measurePurge(system, config, log) {
  const { db } = system;
  const { rows } = await db.query('SELECT lo::text AS lo FROM millrace.history_ranges ORDER BY n LIMIT 1');
  const liveId = Number(rows[0].lo) + 5;
  await db.query('DELETE FROM millrace.job_completed WHERE id = $1', [liveId]);
  await db.query(
    `INSERT INTO millrace.job_queue (id, tag, priority, scheduled_for, max_attempts) VALUES ($1, 'nobody', 0, now(), 1)`,
    [liveId],
  );
  const history = new History(db, { retentionMs: (config.days - 2.5) * DAY_MS });
  const probe = probeHotPath(system);
  const locks = watchLockWaits(system.url);
  const t0 = performance.now();
  const report = await history.maintain();
  const ms = performance.now() - t0;
  const during = { ...(await probe.stop()), ...(await locks.stop()) };
  const live = await db.query('SELECT count(*)::int AS n FROM millrace.jobs WHERE id = $1', [liveId]);
  if (live.rows[0].n !== 1) throw new Error('the purge removed a live job');
  log(
    `  purge deleted ${report.jobsPurged} jobs in ${round(ms)} ms; longest claim ${during.maxClaimMs} ms, longest lock wait ${during.longestLockWaitMs} ms`,
  );
  return {
    jobsPurged: report.jobsPurged,
    ms: round(ms),
    jobsPerSec: round((report.jobsPurged / ms) * 1000),
    ...during,
  };
}

export async function runHistoryBench({ quick = false, log = console.log } = {}) {
  const config = quick ? QUICK : FULL;
  const started = Date.now();
  const emptyDb = await createBenchDatabase('he');
  const fullDb = await createBenchDatabase('hf');
  const empty = await openSystem(emptyDb.url);
  const full = await openSystem(fullDb.url);
  try {
    log(`filling ${config.jobs.toLocaleString('en-US')} jobs of history over ${config.days} days`);
    const t0 = performance.now();
    const jobs = await fillHistory(full.db, full.queue, { ...config, hash: full.hash, log });
    const fillSeconds = round((performance.now() - t0) / 1000, 1);
    // write the fill's dirty pages out now, not during the measurements (needs a superuser)
    await full.db.query('CHECKPOINT').catch(() => {});
    const bytes = await historyBytes(full.db);
    const total = Object.values(bytes).reduce((a, b) => a + b, 0);

    log('reads');
    const loadBefore = os.loadavg()[0];
    const readRows = await measureReads(empty, full, config.readRuns);
    const load = { cpus: os.cpus().length, readsLoadAverage: round((loadBefore + os.loadavg()[0]) / 2, 1) };

    log('drains');
    // a first drain on each pays for things no later one does (new connections, plans): not timed
    for (const system of [empty, full]) await drainWith(system, { runner: 'handlers', jobs: 1000 }).done;
    const drains = [];
    for (const runner of ['handlers', 'thread']) {
      const runs = { empty: [], full: [] };
      for (let r = 0; r < config.repetitions; r++) {
        for (const [name, system] of [
          ['empty', empty],
          ['full', full],
        ]) {
          const { jobsPerSec } = await drainWith(system, { runner, jobs: config.drainJobs }).done;
          runs[name].push(jobsPerSec);
          log(`  ${runner} ${name} rep ${r + 1}: ${round(jobsPerSec)} jobs/s`);
        }
      }
      drains.push({ runner, empty: round(median(runs.empty)), full: round(median(runs.full)), runs });
    }
    const realBytes = await historyBytes(empty.db);
    const realJobs = config.drainJobs * 2 * config.repetitions + 1000;

    log('retention');
    const retention = await measureRetention(full, config, log);
    const purge = await measurePurge(full, config, log);
    return {
      benchmark: 'history',
      date: new Date(started).toISOString(),
      quick,
      config,
      fill: { jobs, seconds: fillSeconds },
      storage: {
        synthetic: {
          bytesPerJob: round(total / jobs),
          byTable: Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, round(v / jobs)])),
        },
        drained: {
          jobs: realJobs,
          bytesPerJob: round(Object.values(realBytes).reduce((a, b) => a + b, 0) / realJobs),
        },
      },
      reads: readRows,
      load,
      drains,
      retention,
      purge,
      targets: TARGETS,
      durationMs: Date.now() - started,
    };
  } finally {
    await empty.close().catch(() => {});
    await full.close().catch(() => {});
    await emptyDb.drop();
    await fullDb.drop();
  }
}

export function printHistory(result) {
  console.log(
    `\nreads (median ms; ${result.fill.jobs.toLocaleString('en-US')} jobs of history against none)`,
  );
  printTable(result.reads.map((r) => ({ read: r.read, empty: r.emptyMs, history: r.fullMs })));
  console.log('\ndrain (jobs/s, one dedicated worker, concurrency 1)');
  printTable(
    result.drains.map((d) => ({
      runner: d.runner,
      empty: d.empty,
      history: d.full,
      ratio: round(d.full / d.empty, 3),
    })),
  );
  console.log('\nretention and storage');
  printTable([
    {
      what: 'drop oldest day (ms)',
      value: result.retention.ms,
      note: `${result.retention.jobsRemoved} jobs, longest claim ${result.retention.maxClaimMs} ms`,
    },
    {
      what: 'purge fallback (jobs/s)',
      value: result.purge.jobsPerSec,
      note: `${result.purge.jobsPurged} jobs, longest claim ${result.purge.maxClaimMs} ms`,
    },
    {
      what: 'bytes per job (synthetic)',
      value: result.storage.synthetic.bytesPerJob,
      note: JSON.stringify(result.storage.synthetic.byTable),
    },
    {
      what: 'bytes per job (drained)',
      value: result.storage.drained.bytesPerJob,
      note: `${result.storage.drained.jobs} noop jobs`,
    },
  ]);
}

/** Writes bench/results/history[.quick].{json,md}; returns what it wrote. */
export async function writeHistoryResults(result) {
  const name = result.quick ? 'history.quick' : 'history';
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL(`${name}.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(new URL(`${name}.md`, dir), historyMarkdown(result));
  return `bench/results/${name}.{json,md}`;
}

async function main() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const result = await runHistoryBench({ quick: values.quick, log });
  printHistory(result);
  log(`wrote ${await writeHistoryResults(result)} in ${round(result.durationMs / 1000)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
