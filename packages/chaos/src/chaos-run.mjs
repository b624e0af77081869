// One chaos run: workers in their own processes drain jobs through a faulty TCP proxy while the
// driver kills workers, terminates every database connection, cuts the network and adds latency.
// Returns the figures; `run.mjs` prints them.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '@millrace/db';
import { confinement } from '@millrace/dedicated-runner';
import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { partitionHost } from './faults/host-partition.mjs';
import { killRecoveryTimes, startKillingWorkers } from './faults/kill-workers.mjs';
import { latencySpike, networkOutage } from './faults/network.mjs';
import { checkParentKillingJobs, parentKillingPhase, strayProcesses } from './faults/parent-killing-jobs.mjs';
import { checkPoisonJobs, pushPoisonJobs } from './faults/poison-jobs.mjs';
import { terminateBackends } from './faults/terminate-backends.mjs';
import { createHost, netnsUnavailableReason } from './hosts.mjs';
import { checkInvariants, throughputProfile } from './invariants.mjs';
import { startPusher } from './pusher.mjs';
import {
  COLD_PATH,
  DEDICATED_GROUP,
  deployChaosScripts,
  GENERIC_GROUP,
  GENERIC_PATH,
  PROCESS_GROUP,
  PROCESS_PATH,
  RUN_ENV,
  WARM_PATH,
} from './scripts.mjs';
import { startTcpProxy } from './tcp-proxy.mjs';
import { createWorkerPool } from './worker-pool.mjs';

export const ADMIN_URL = process.env.MILLRACE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

export const PRESETS = {
  quick: {
    jobs: 20_000,
    generic: 2,
    dedicated: 2,
    process: 1,
    concurrency: 16,
    killEveryMs: 1_500,
    outageMs: 1_500,
    latencyMs: 250,
    latencyForMs: 2_000,
    timeoutMs: 150_000,
    coldEvery: 1_000,
    maxMs: 3,
    partitionMs: 4_000,
  },
  full: {
    jobs: 100_000,
    generic: 3,
    dedicated: 2,
    process: 1,
    concurrency: 32,
    killEveryMs: 3_000,
    outageMs: 1_500,
    latencyMs: 300,
    latencyForMs: 5_000,
    timeoutMs: 1_800_000,
    coldEvery: 5_000,
    maxMs: 3,
    partitionMs: 6_000,
  },
};

// The one generic worker placed on a host of its own (a network namespace), cut off at 30 %.
const HOST_WORKER = 'host-1';
// its subnet, 10.231.<index>.0/30; several-hosts.test.ts uses 1 and 2
const HOST_INDEX = 3;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {typeof PRESETS.quick & { keep?: boolean, log?: (line: string) => void }} cfg
 */
export async function runChaos(cfg) {
  const log = cfg.log ?? (() => {});
  const started = Date.now();
  const database = `millrace_chaos_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = await openDb({ url: ADMIN_URL, migrate: false, poolSize: 2 });
  await admin.query(`CREATE DATABASE ${database}`);
  const directUrl = withDatabase(ADMIN_URL, database);
  const db = await openDb({ url: directUrl, poolSize: 4 });
  const settings = new Settings(db);
  await deployChaosScripts(settings, { concurrency: cfg.concurrency, run: database });

  const target = new URL(ADMIN_URL);
  const proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
  const proxiedUrl = proxy.url(directUrl);
  const logFile = join(tmpdir(), `${database}.workers.log`);
  const pool = createWorkerPool({ url: proxiedUrl, logFile, concurrency: cfg.concurrency });
  log(`database ${database}; worker logs in ${logFile}`);
  // Where the machine allows (root, ip netns), one more worker runs on a host of its own.
  const noHostsBecause = cfg.hosts === false ? 'disabled (--no-hosts)' : await netnsUnavailableReason();
  const host = noHostsBecause
    ? null
    : await createHost({
        index: HOST_INDEX,
        targetHost: target.hostname,
        targetPort: Number(target.port || 5432),
      });
  if (host) await pool.spawn(GENERIC_GROUP, { name: HOST_WORKER, wrap: host.wrap, url: host.url(directUrl) });
  else log(`no host partition: ${noHostsBecause}`);
  await Promise.all([
    ...Array.from({ length: cfg.generic }, () => pool.spawn(GENERIC_GROUP)),
    ...Array.from({ length: cfg.dedicated }, () => pool.spawn(DEDICATED_GROUP)),
    ...Array.from({ length: cfg.process ?? 0 }, () => pool.spawn(PROCESS_GROUP)),
  ]);
  log(`${pool.live.size} workers ready`);

  const producerDb = await openDb({ url: proxiedUrl, migrate: false, poolSize: 2 });
  const producerQueue = new Queue(producerDb, { settings: new Settings(producerDb) });

  // The monitor reads over a direct connection: its samples time the recoveries.
  const samples = [];
  let completed = 0;
  let monitorErrors = 0;
  let monitoring = true;
  const monitor = (async () => {
    while (monitoring) {
      try {
        const { rows } = await db.query('SELECT count(*)::int AS n FROM millrace.job_completed');
        completed = rows[0].n;
        samples.push({ t: Date.now(), n: completed });
      } catch {
        monitorErrors++;
      }
      await sleep(100);
    }
  })();

  const events = [];
  const onEvent = (e) => {
    const at = Date.now();
    events.push({ ...e, at });
    log(
      `+${((at - started) / 1000).toFixed(1)}s ${e.fault}${e.worker ? ` ${e.worker}` : ''}${e.error ? ` ERROR ${e.error}` : ''}`,
    );
  };

  const runStart = Date.now();
  const pusher = startPusher({
    queue: producerQueue,
    check: db,
    total: cfg.jobs,
    batch: Math.min(500, Math.max(50, Math.floor(cfg.jobs / 100))),
    maxBacklog: Math.max(2_000, cfg.concurrency * (cfg.generic + cfg.dedicated) * 20),
    completed: () => completed,
    coldEvery: cfg.coldEvery,
    maxMs: cfg.maxMs,
  });
  const killer = startKillingWorkers({ pool, db, everyMs: cfg.killEveryMs, onEvent });

  // Connection faults fire at fixed points of progress, so every run gets each of them once.
  const recoveries = [];
  const scheduled = [
    {
      at: 0.25,
      fire: async () => {
        const n = await terminateBackends(admin, database);
        onEvent({ fault: 'terminate_backends', connections: n });
        return Date.now();
      },
      name: 'pg_terminate_backend (all connections)',
    },
    {
      at: 0.45,
      fire: async () => {
        const { dropped, endsAt } = networkOutage(proxy, cfg.outageMs);
        onEvent({ fault: 'network_outage', connections: dropped, ms: cfg.outageMs });
        await sleep(Math.max(0, endsAt - Date.now()));
        return Date.now();
      },
      name: `network outage ${cfg.outageMs} ms (proxy cuts and refuses)`,
    },
    {
      at: 0.65,
      fire: async () => {
        onEvent({ fault: 'latency_spike', ms: cfg.latencyMs, forMs: cfg.latencyForMs });
        await latencySpike(proxy, cfg.latencyMs, cfg.latencyForMs);
        return Date.now();
      },
      name: `latency spike +${cfg.latencyMs} ms each way for ${cfg.latencyForMs} ms`,
    },
    {
      at: 0.8,
      fire: async () => {
        const dropped = proxy.cut();
        onEvent({ fault: 'connection_cut', connections: dropped });
        return Date.now();
      },
      name: 'connection cut (no outage)',
    },
  ];
  // Hostile jobs, pushed over the direct connection (the proxy's faults are not theirs to meet).
  const directQueue = new Queue(db, { settings });
  let poisonIds = [];
  scheduled.push({
    at: 0.5,
    background: true, // reported as poison jobs below
    fire: async () => {
      poisonIds = await pushPoisonJobs(directQueue, [GENERIC_PATH, COLD_PATH, WARM_PATH]);
      onEvent({ fault: 'poison_jobs', jobs: poisonIds.length });
      return Date.now();
    },
    name: 'poison jobs (NUL / lone surrogate in logs, results, errors)',
  });
  // Jobs that attack their parent, on the untrusted runtimes (cold, and process if a worker runs it).
  // Where a job's process is not in a PID namespace of its own they would reach the worker (and
  // `kill -9 -1` as root, the machine): docs/isolation.md says so, and the phase is skipped.
  const confined = confinement();
  const noParentKillingBecause =
    confined.mode === 'pid-namespace'
      ? null
      : `job processes are not in a PID namespace (${confined.reason})`;
  let parentKilling = null;
  if (!noParentKillingBecause)
    scheduled.push({
      at: 0.55,
      background: true, // reported as parent-killing jobs below
      fire: async () => {
        const targets = [{ path: COLD_PATH, runtime: 'cold' }];
        if (cfg.process > 0) targets.push({ path: PROCESS_PATH, runtime: 'process' });
        parentKilling = await parentKillingPhase({ queue: directQueue, db, targets });
        onEvent({ fault: 'parent_killing_jobs', jobs: parentKilling.ids.length });
        return Date.now();
      },
      name: 'parent-killing jobs (SIGKILL parent / group / -1, daemons, memory, forged answers)',
    });
  else log(`no parent-killing jobs: ${noParentKillingBecause}`);
  let partition = null;
  if (host)
    scheduled.push({
      at: 0.3,
      background: true, // reported as hostPartition below
      fire: async () => {
        partition = await partitionHost({ host, worker: HOST_WORKER, db, forMs: cfg.partitionMs });
        onEvent({ fault: 'host_partition', worker: HOST_WORKER, ...partition });
        return partition.endedAt;
      },
      name: `host cut off ${cfg.partitionMs} ms (link down)`,
    });
  const inBackground = [];
  const deadline = started + cfg.timeoutMs;
  let timedOut = false;
  for (;;) {
    for (const s of scheduled) {
      if (s.firedAt || completed < s.at * cfg.jobs) continue;
      s.firedAt = Date.now();
      s.countAtFault = completed;
      if (s.background) {
        // runs alongside the others: it has its own network path and its own measure
        inBackground.push(
          s.fire().then(
            (endedAt) => (s.endedAt = endedAt),
            (err) => {
              onEvent({ fault: s.name, error: err.message });
              s.endedAt = Date.now(); // reported as not recovered
            },
          ),
        );
        continue;
      }
      s.endedAt = await s.fire();
      recoveries.push(s);
    }
    const queued = await db
      .query('SELECT count(*)::int AS n FROM millrace.job_queue')
      .then((r) => r.rows[0].n)
      .catch(() => -1);
    const faultsOver = scheduled.every((s) => !s.background || !s.firedAt || s.endedAt);
    if (pusher.pushed >= cfg.jobs && queued === 0 && completed >= pusher.acknowledged.length && faultsOver)
      break;
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    await sleep(200);
  }
  const drainedAt = Date.now();
  await Promise.all(inBackground);
  await killer.stop();
  await pusher.stop();
  const exitCodes = await pool.stopAll();
  await host?.destroy();
  // whatever a job started carries the run's name in its env: nothing may be left of it
  const strays = await strayProcesses(RUN_ENV, database);
  monitoring = false;
  await monitor;

  for (const s of recoveries) {
    // recovered: the first sample after the fault ended that shows more completed jobs than at its end
    const atEnd = [...samples].reverse().find((x) => x.t <= s.endedAt)?.n ?? s.countAtFault;
    const next = samples.find((x) => x.t > s.endedAt && x.n > atEnd);
    s.recoverMs = next ? next.t - s.firedAt : null;
  }
  const killTimes = await killRecoveryTimes(db, killer.kills);
  const invariants = await checkInvariants(db, {
    acknowledged: pusher.acknowledged,
    killedWorkers: killer.kills.map((k) => k.worker),
  });
  const poison = await checkPoisonJobs(db);
  if (poison.pushed !== poisonIds.length)
    invariants.problems.push(`poison jobs: ${poison.pushed} pushed, ${poisonIds.length} acknowledged`);
  if (poison.completed !== poison.pushed)
    invariants.problems.push(`${poison.pushed - poison.completed} poison jobs never completed`);
  invariants.problems.push(...poison.unexpected.map((u) => `poison: ${u}`));
  // A frozen worker cannot stop: stopAll SIGKILLs what is still there 30 s after SIGTERM.
  const frozenWorkers = Object.entries(exitCodes)
    .filter(([, code]) => code === 'SIGKILL')
    .map(([n]) => n);
  if (frozenWorkers.length > 0)
    invariants.problems.push(`workers frozen (did not stop on SIGTERM): ${frozenWorkers.join(', ')}`);
  const hostile = await checkParentKillingJobs(db);
  if (parentKilling && hostile.pushed !== parentKilling.ids.length)
    invariants.problems.push(
      `parent-killing jobs: ${hostile.pushed} pushed, ${parentKilling.ids.length} acknowledged`,
    );
  if (hostile.completed !== hostile.pushed)
    invariants.problems.push(`${hostile.pushed - hostile.completed} parent-killing jobs never completed`);
  invariants.problems.push(...hostile.unexpected.map((u) => `parent-killing: ${u}`));
  if (parentKilling?.coldDaemonsOutlivedJob)
    invariants.problems.push(
      `${parentKilling.coldDaemonsOutlivedJob} daemons of cold jobs outlived their job`,
    );
  if (strays.length > 0)
    invariants.problems.push(
      `${strays.length} processes started by jobs still alive after the run: ${strays.join(', ')}`,
    );
  // a worker only ends when the run SIGKILLs or stops it: any other death was dealt by a job (or a bug)
  for (const w of pool.diedUnasked) invariants.problems.push(`worker ${w.name} died (${w.how}) unasked`);
  if (host && partition?.finishedElsewhereMs == null)
    invariants.problems.push(`the cut-off host's jobs were not finished elsewhere`);
  if (host && exitCodes[HOST_WORKER] !== 0)
    invariants.problems.push(`the cut-off host's worker exited ${exitCodes[HOST_WORKER]} after it came back`);
  invariants.ok = invariants.problems.length === 0;
  const hostJobsAfter = partition ? await jobsDoneSince(db, HOST_WORKER, partition.endedAt) : null;
  const throughput = await throughputProfile(db);

  await producerDb.close().catch(() => {});
  await proxy.close();
  await db.close();
  if (!cfg.keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.close();

  const drainSeconds = (drainedAt - runStart) / 1000;
  return {
    config: cfg,
    database: cfg.keep ? database : null,
    logFile,
    timedOut,
    ok: invariants.ok && !timedOut,
    seconds: (Date.now() - started) / 1000,
    drainSeconds,
    jobsPerSecond: invariants.completed / drainSeconds,
    throughput,
    pushes: {
      acknowledged: pusher.acknowledged.length,
      errors: pusher.errors.length,
      errorMessages: [
        ...new Set(pusher.errors.map((e) => `${e.name}${e.code ? ` [${e.code}]` : ''}: ${e.message}`)),
      ],
      retried: pusher.retries,
      committedDespiteError: pusher.committedDespiteError,
    },
    faults: {
      killedWorkers: killer.kills.length,
      killHeldJobs: killer.kills.reduce((a, k) => a + k.heldJobs.length, 0),
      killRecoveryMs: killTimes,
      connectionFaults: recoveries.map((s) => ({ name: s.name, recoverMs: s.recoverMs })),
      hostPartition: host
        ? {
            worker: HOST_WORKER,
            heldJobs: partition?.heldJobs ?? null,
            finishedElsewhereMs: partition?.finishedElsewhereMs ?? null,
            jobsDoneAfter: hostJobsAfter,
            exitCode: exitCodes[HOST_WORKER] ?? null,
          }
        : { skipped: noHostsBecause },
      proxy: { ...proxy.stats },
    },
    workerExitCodes: exitCodes,
    poison,
    parentKilling: noParentKillingBecause
      ? { skipped: noParentKillingBecause }
      : { ...hostile, coldDaemonsOutlivedJob: parentKilling?.coldDaemonsOutlivedJob ?? null },
    strayProcesses: strays.length,
    workersDiedUnasked: pool.diedUnasked.map((w) => w.name),
    frozenWorkers,
    monitorErrors,
    invariants,
    events,
  };
}

async function jobsDoneSince(db, worker, sinceMs) {
  const { rows } = await db.query(
    'SELECT count(*)::int AS n FROM millrace.job_completed WHERE worker = $1 AND completed_at > $2',
    [worker, new Date(sinceMs)],
  );
  return rows[0].n;
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
