import { hostname } from 'node:os';
import type { Db } from '@millrace/db';
import type { Handler } from '@millrace/dedicated-runner';
import { History, Queue, Scheduler } from '@millrace/queue';
import { Settings, type WorkerGroup } from '@millrace/settings';
import { resolveRunAs } from './cold/run-as';
import { DedicatedExecutor, HandlerExecutor } from './dedicated-executor';
import { WorkerConfigError } from './errors';
import type { Executor } from './executor';
import { GenericExecutor } from './generic-executor';
import { runInitScript } from './init-script';
import { RoutingExecutor } from './routing-executor';
import { ScriptCodeCache } from './script-code';
import { type StopReport, WorkerLoop, type WorkerLoopOptions, type WorkerLoopStatus } from './worker-loop';

export interface StartWorkerOptions {
  db: Db;
  /** the worker group whose config this worker follows, live */
  group: string;
  name?: string;
  /** jobs at once; default: the group's concurrency */
  concurrency?: number;
  queue?: Queue;
  settings?: Settings;
  /** in-host functions for script paths: those jobs call the host's function, no thread hop */
  handlers?: Record<string, Handler>;
  /** dedicated groups: 'thread' (default) or 'process' runtime for JS/TS scripts */
  runtime?: 'thread' | 'process';
  /** generic groups: pre-started processes in all (default: concurrency + 1; 0 = spawn per job) */
  spares?: number;
  /** generic groups: the most pre-started processes while start-ups cannot keep up (default: spares + 2) */
  maxSpares?: number;
  /**
   * The worker owns the process (for CLIs; off by default): SIGTERM/SIGINT stop it, a second signal
   * gives in-flight jobs up at once (aborted and handed back to the queue), and once stopped the
   * process exits — 0 when every job it held was finished or handed back, 1 otherwise.
   */
  handleSignals?: boolean;
  /** how long stop() lets in-flight jobs finish before aborting and handing them back (default 30 s) */
  stopTimeoutMs?: number;
  pollMs?: number;
  heartbeat?: WorkerLoopOptions['heartbeat'];
  completer?: WorkerLoopOptions['completer'];
  onError?: (err: unknown) => void;
  /** finished jobs older than this are removed (default: the queue's, 30 days; 0 = keep forever) */
  retentionMs?: number;
  /** run the history maintenance (id ranges, retention; docs/history.md) in this worker (default true) */
  maintainHistory?: boolean;
  /** run a scheduler loop: fire due schedules, push failure handler jobs (docs/schedules.md; default true) */
  runSchedules?: boolean;
}

export interface RunningWorker {
  name: string;
  /** jobs this worker has finished */
  readonly jobsDone: number;
  /** whether it claims, how its writes go (a worker that cannot write claims nothing) */
  readonly status: WorkerLoopStatus;
  /** resolves once the worker has stopped, by stop() or by a signal */
  readonly stopped: Promise<StopReport>;
  /**
   * Stops claiming, hands back jobs that never started, lets in-flight jobs finish for `timeoutMs`
   * (default `stopTimeoutMs`), then aborts the rest and hands them back as lost attempts. Called
   * again with a shorter timeout, it shortens the wait (`{ timeoutMs: 0 }`: give up in-flight jobs now).
   */
  stop(options?: { timeoutMs?: number }): Promise<StopReport>;
}

interface Mode {
  key: string;
  tags: string[];
  concurrency: number;
  env: Record<string, string>;
  dedicatedScript: string | null;
  /** the group's limits for untrusted job processes (docs/isolation.md) */
  limits: { memoryLimitMb: number; defaultTimeoutMs: number; runAs: string | null };
}

function modeOf(group: WorkerGroup, options: StartWorkerOptions): Mode {
  const concurrency = options.concurrency ?? group.concurrency;
  // Warm runtimes (a dedicated script's threads, in-host handlers) are sized for the concurrency.
  const sizedFor = group.dedicatedWorker || options.handlers ? `|${concurrency}` : '';
  const limits = {
    memoryLimitMb: group.memoryLimitMb,
    defaultTimeoutMs: group.defaultTimeoutMs,
    runAs: group.runAs,
  };
  return {
    // the executor is rebuilt only when this changes: generic ↔ dedicated, another script, new env,
    // or a new concurrency for warm runtimes; anything else applies to the running one
    key: `${group.dedicatedWorker ?? ''}|${JSON.stringify(group.env)}${sizedFor}|${JSON.stringify(limits)}`,
    tags: group.servedTags,
    concurrency,
    env: group.env,
    dedicatedScript: group.dedicatedWorker,
    limits,
  };
}

/**
 * The executor for a mode. A dedicated one has its script's latest version loaded before it is
 * handed any job, as a dedicated worker should: the script is warm before the first job arrives.
 * A script that fails to load is reported, not fatal: its jobs fail with the load error.
 */
async function openExecutor(
  mode: Mode,
  options: StartWorkerOptions,
  settings: Settings,
  onError: (err: unknown) => void,
): Promise<Executor> {
  const handlers = options.handlers ? new HandlerExecutor(options.handlers, mode.concurrency) : null;
  const { runAs, ...limits } = mode.limits;
  const confinement = { ...limits, runAs: runAs === null ? undefined : resolveRunAs(runAs) };
  if (!mode.dedicatedScript) {
    const generic = new GenericExecutor({
      concurrency: mode.concurrency,
      env: mode.env,
      spares: options.spares,
      maxSpares: options.maxSpares,
      // with in-host handlers, cold jobs may never come: spares booting at start would only take the
      // CPU from the handlers (a 40,000-job handler drain ran 0.85× as fast beside 9 booting spares)
      sparesAfterFirstJob: handlers !== null,
      ...confinement,
    });
    return new RoutingExecutor(generic, handlers);
  }
  const dedicated = new DedicatedExecutor({
    concurrency: mode.concurrency,
    env: mode.env,
    runtime: options.runtime,
    ...confinement,
  });
  if (!handlers?.handles(mode.dedicatedScript)) {
    try {
      const script = await settings.getScript(mode.dedicatedScript);
      // a handler path this worker does not hold has nothing to load: its jobs fail with no_handler
      if (script.language !== 'handler') await dedicated.warm(script);
    } catch (err) {
      onError(err);
    }
  }
  return new RoutingExecutor(dedicated, handlers);
}

/**
 * Starts a worker that follows its group's config live: a generic worker (cold start per job) or,
 * when the group is dedicated to a script, a dedicated one (warm runtime). Resolves once it is
 * registered and claiming.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const settings = options.settings ?? options.queue?.settings ?? new Settings(options.db);
  const queue = options.queue ?? new Queue(options.db, { settings, retentionMs: options.retentionMs });
  const onError = options.onError ?? ((err: unknown) => console.error('[millrace worker]', err));
  const history =
    options.retentionMs === undefined || options.retentionMs === queue.history.retentionMs
      ? queue.history
      : new History(options.db, { retentionMs: options.retentionMs });
  let group = await settings.getWorkerGroup(options.group);
  // a handler path needs no deploy: registering makes it pushable, with settings like any script
  if (options.handlers) await settings.registerHandlers(Object.keys(options.handlers));
  const name =
    options.name ?? `${group.name}-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  let mode = modeOf(group, options);

  if (group.initScript) await runInitScript(group.initScript, group.env);
  const loop = new WorkerLoop({
    db: options.db,
    queue,
    name,
    code: new ScriptCodeCache(settings),
    concurrency: mode.concurrency,
    pollMs: options.pollMs,
    heartbeat: options.heartbeat,
    completer: options.completer,
    onError,
  });
  const register = () =>
    queue.registerWorker({
      name,
      group: group.name,
      tags: mode.tags,
      dedicatedScript: mode.dedicatedScript,
      pid: process.pid,
      host: hostname(),
    });
  await register();
  await loop.start(await openExecutor(mode, options, settings, onError), mode.tags, mode.env);
  const stopHistory = options.maintainHistory === false ? null : history.start({ onError });
  const scheduler = options.runSchedules === false ? null : await new Scheduler(queue, { onError }).start();

  // Config changes are applied one at a time, in order.
  let applying = Promise.resolve();
  const apply = async () => {
    try {
      group = await settings.getWorkerGroup(options.group);
    } catch (err) {
      onError(err); // deleted or unreachable: keep the last known config
      return;
    }
    const next = modeOf(group, options);
    if (next.key !== mode.key) {
      const executor = await openExecutor(next, options, settings, onError);
      await loop.swapExecutor(executor, next.tags, next.env, next.concurrency);
    } else if (next.tags.join() !== mode.tags.join() || next.concurrency !== mode.concurrency) {
      loop.reconfigure(next.tags, next.concurrency);
    } else return;
    mode = next;
    await queue.updateWorker(name, {
      group: group.name,
      tags: mode.tags,
      dedicatedScript: mode.dedicatedScript,
    });
  };
  const unwatch = await settings.watch((event) => {
    if (event.kind === 'script') return;
    if (event.kind === 'worker_group' && event.name !== options.group) return;
    applying = applying.then(apply, apply);
  });

  let stopping: Promise<StopReport> | null = null;
  let markStopped: (report: StopReport) => void = () => {};
  const stopped = new Promise<StopReport>((resolve) => {
    markStopped = resolve;
  });
  const stop = (stopOptions: { timeoutMs?: number } = {}) => {
    // the deadline counts from this call, though a config change being applied is awaited first
    const deadline = Date.now() + (stopOptions.timeoutMs ?? options.stopTimeoutMs ?? 30_000);
    loop.hurry(deadline);
    stopping ??= (async () => {
      await unwatch();
      await applying.catch(() => {});
      const report = await loop.stop({ deadline });
      await queue.stopWorker(name, loop.done).catch(onError);
      await stopHistory?.();
      await scheduler?.stop();
      markStopped(report);
      return report;
    })();
    return stopping;
  };

  if (options.handleSignals) {
    let signals = 0;
    const onSignal = () => {
      signals++;
      // the second signal gives in-flight jobs up at once: aborted and handed back to the queue
      void stop(signals === 1 ? {} : { timeoutMs: 0 }).then(exitAfterStop, exitAfterStop);
    };
    const exitAfterStop = (report: StopReport | unknown) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      const r = report as Partial<StopReport>;
      process.exitCode = r.unwritten === 0 && r.completionsDropped === 0 ? 0 : 1;
      // The host may close its own handles (the db) and exit by itself; if it does not, exit anyway.
      setTimeout(() => process.exit(), 1_000).unref();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return {
    name,
    get jobsDone() {
      return loop.done;
    },
    get status() {
      return loop.status;
    },
    stopped,
    stop,
  };
}

/** Starts a worker for a group dedicated to a script; refuses a generic group. */
export async function startDedicatedWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const settings = options.settings ?? options.queue?.settings ?? new Settings(options.db);
  const group = await settings.getWorkerGroup(options.group);
  if (!group.dedicatedWorker) {
    throw new WorkerConfigError(
      `worker group ${group.name} is not dedicated to a script: set its dedicatedWorker first, or use startWorker`,
    );
  }
  return startWorker({ ...options, settings });
}
