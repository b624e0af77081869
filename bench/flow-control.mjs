// Flow control on the hot path (docs/flow-control.md), each figure next to its baseline in the same run:
//   noop drain      a backlog of no-op jobs drained by one worker (in-host handlers, 8 slots), no
//                   limits configured: this code against an older build (--old), target ≥ 0.95
//   limited backlog the same drain of an unlimited script while a `maxRunning: 2` script holds a
//                   100 k backlog on the same tag and worker, against that script alone: ≥ 0.90
//   dedupe push     pushMany of 100 k jobs each with its own uniqueKey, against plain pushMany of
//                   the same jobs: ≥ 0.50 (and plain pushMany against the older build)
// Repetitions run interleaved (old, new, old, new …): the machine's drift hits both sides alike.
// Each measurement gets a fresh database (DATABASE_URL names another server), dropped at the end.
//
//   npm run build && node bench/flow-control.mjs --old ../main        full: 3 repetitions (~5 min)
//   node bench/flow-control.mjs --quick                               small counts, 1 repetition, no
//                                                                      old build needed (CI: seconds)
// --old DIR: a built checkout of the code to compare against (its packages/*/dist); without it the
// old-vs-new rows are left out.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './lib/database.mjs';
import { median, printTable, round } from './lib/stats.mjs';

export const FULL = { drainJobs: 20_000, backlog: 100_000, pushJobs: 100_000, repetitions: 3 };
export const QUICK = { drainJobs: 1_000, backlog: 5_000, pushJobs: 5_000, repetitions: 1 };
export const TARGETS = { noopRatio: 0.95, limitedRatio: 0.9, dedupeRatio: 0.5 };

const FREE = 'f/bench/free';
const LIMITED = 'f/bench/limited';
const CONCURRENCY = 8;
const BATCH = 5000;

/** The packages of one checkout, loaded from its build. */
export async function loadCode(root) {
  const load = (pkg) => import(pathToFileURL(resolve(root, 'packages', pkg, 'dist/index.js')).href);
  const [db, queue, settings, worker] = await Promise.all(['db', 'queue', 'settings', 'worker'].map(load));
  return {
    openDb: db.openDb,
    Queue: queue.Queue,
    Settings: settings.Settings,
    startWorker: worker.startWorker,
  };
}

async function withSystem(code, fn) {
  const database = await createBenchDatabase('flow');
  const db = await code.openDb({ url: database.url, poolSize: 4 });
  try {
    const settings = new code.Settings(db);
    for (const path of [FREE, LIMITED]) {
      await settings.deployScript({
        path,
        content: 'export function main() { return null; }',
        language: 'javascript',
      });
    }
    await settings.setWorkerGroup('bench', { tags: ['node'], concurrency: CONCURRENCY });
    const queue = new code.Queue(db, { settings });
    return await fn({ db, settings, queue });
  } finally {
    await db.close();
    await database.drop();
  }
}

async function pushAll(queue, jobs, make) {
  const ids = [];
  for (let i = 0; i < jobs; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, jobs - i) }, (_, k) => make(i + k));
    ids.push(...(await queue.pushMany(batch)));
  }
  return ids;
}

/**
 * Drains `jobs` jobs of FREE (after an optional backlog of LIMITED, maxRunning 2) with one worker
 * running both scripts as in-host handlers; jobs/s of FREE from its first start to its last end.
 */
export async function drainFree(code, { jobs, backlog = 0 }) {
  return withSystem(code, async ({ db, settings, queue }) => {
    if (backlog > 0) {
      await settings.setScriptSettings(LIMITED, { maxRunning: 2 });
      await pushAll(queue, backlog, (i) => ({ path: LIMITED, args: { i } }));
    }
    const ids = new Set(await pushAll(queue, jobs, (i) => ({ path: FREE, args: { i } })));
    let done = 0;
    let finish;
    const finished = new Promise((r) => (finish = r));
    const unlisten = await db.listen('millrace_done', (payload) => {
      for (const id of payload.split(',')) if (ids.has(id)) done += 1;
      if (done >= jobs) finish();
    });
    const handler = async () => null;
    const worker = await code.startWorker({
      db,
      queue,
      settings,
      group: 'bench',
      name: 'bench-flow',
      maintainHistory: false,
      handlers: { [FREE]: handler, [LIMITED]: handler },
      onError: (err) => console.error('[bench worker]', err.message),
    });
    const timeout = setTimeout(() => finish(new Error(`timed out at ${done} of ${jobs}`)), 600_000);
    const outcome = await finished;
    clearTimeout(timeout);
    await unlisten();
    await worker.stop({ timeoutMs: 5_000 });
    if (outcome instanceof Error) throw outcome;
    const { rows } = await db.query(
      `SELECT extract(epoch FROM max(c.completed_at) - min(c.started_at))::float8 AS seconds,
              count(*) FILTER (WHERE c.status = 'success')::int AS ok
       FROM millrace.job_completed c JOIN millrace.jobs j ON j.id = c.id WHERE j.path = $1`,
      [FREE],
    );
    if (rows[0].ok !== jobs) throw new Error(`expected ${jobs} successes of ${FREE}, found ${rows[0].ok}`);
    if (backlog > 0) {
      // the limited script was served meanwhile (2 at a time), not starved
      const limited = await db.query(
        `SELECT count(*)::int AS n FROM millrace.job_completed c JOIN millrace.jobs j ON j.id = c.id WHERE j.path = $1`,
        [LIMITED],
      );
      console.log(`    (${limited.rows[0].n} jobs of the maxRunning 2 script ran meanwhile)`);
    }
    return round(jobs / rows[0].seconds, 1);
  });
}

/** jobs/s of pushMany in batches of 5000, with or without a unique key per job. */
export async function pushRate(code, { jobs, keyed }) {
  return withSystem(code, async ({ queue }) => {
    const started = performance.now();
    await pushAll(queue, jobs, (i) => ({
      path: FREE,
      args: { i },
      ...(keyed ? { uniqueKey: `k${i}` } : {}),
    }));
    return round((jobs / (performance.now() - started)) * 1000, 1);
  });
}

export async function runFlowBench({ quick = false, old = null } = {}) {
  const sizes = quick ? QUICK : FULL;
  const loadNow = () => os.loadavg()[0].toFixed(1);
  const loadBefore = loadNow();
  const current = await loadCode(resolve(import.meta.dirname, '..'));
  const before = old ? await loadCode(old) : null;
  const samples = {};
  const add = (name, value) => {
    samples[name] ??= [];
    samples[name].push(value);
    console.log(`  ${name}: ${value}`);
  };
  for (let rep = 1; rep <= sizes.repetitions; rep++) {
    console.log(`repetition ${rep} of ${sizes.repetitions}`);
    if (before) add('noop drain, old', await drainFree(before, { jobs: sizes.drainJobs }));
    add('noop drain, new', await drainFree(current, { jobs: sizes.drainJobs }));
    add(
      'free script beside a maxRunning 2 backlog',
      await drainFree(current, { jobs: sizes.drainJobs, backlog: sizes.backlog }),
    );
    if (before) add('plain pushMany, old', await pushRate(before, { jobs: sizes.pushJobs, keyed: false }));
    add('plain pushMany, new', await pushRate(current, { jobs: sizes.pushJobs, keyed: false }));
    add('pushMany with unique keys', await pushRate(current, { jobs: sizes.pushJobs, keyed: true }));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const ratios = [
    before && ['noop drain: new / old', m['noop drain, new'] / m['noop drain, old'], TARGETS.noopRatio],
    [
      `free script beside a ${sizes.backlog / 1000} k maxRunning 2 backlog / alone`,
      m['free script beside a maxRunning 2 backlog'] / m['noop drain, new'],
      TARGETS.limitedRatio,
    ],
    [
      'pushMany with unique keys / plain',
      m['pushMany with unique keys'] / m['plain pushMany, new'],
      TARGETS.dedupeRatio,
    ],
    before && ['plain pushMany: new / old', m['plain pushMany, new'] / m['plain pushMany, old'], null],
  ]
    .filter(Boolean)
    .map(([name, ratio, target]) => ({
      name,
      ratio: round(ratio, 3),
      target,
      verdict: target === null ? '' : ratio >= target ? 'PASS' : 'MISS',
    }));
  return {
    sizes,
    samples,
    medians: m,
    ratios,
    load: { before: loadBefore, after: loadNow(), cpus: os.cpus().length },
  };
}

function markdown(result, note) {
  const lines = [
    '# Flow control bench',
    '',
    note,
    '',
    `Sizes: ${JSON.stringify(result.sizes)}; jobs/s, median of the repetitions. Load average ${result.load.before} before, ${result.load.after} after, on ${result.load.cpus} CPUs.`,
    '',
    '| measurement | jobs/s (median) | samples, in run order |',
    '| --- | ---: | --- |',
    ...Object.entries(result.medians).map(([k, v]) => `| ${k} | ${v} | ${result.samples[k].join(', ')} |`),
    '',
    '| ratio | value | target | |',
    '| --- | ---: | ---: | --- |',
    ...result.ratios.map((r) => `| ${r.name} | ${r.ratio} | ${r.target ?? ''} | ${r.verdict} |`),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      old: { type: 'string' },
      note: { type: 'string' },
    },
  });
  const result = await runFlowBench({ quick: values.quick, old: values.old ? resolve(values.old) : null });
  printTable(result.ratios);
  const name = values.quick ? 'flow-control.quick' : 'flow-control';
  const dir = resolve(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(resolve(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(
    resolve(dir, `${name}.md`),
    markdown(result, values.note ?? `node bench/flow-control.mjs${values.quick ? ' --quick' : ''}`),
  );
  if (result.ratios.some((r) => r.verdict === 'MISS')) process.exitCode = values.quick ? 0 : 1;
}
