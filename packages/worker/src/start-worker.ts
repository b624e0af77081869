import { hostname } from 'node:os';
import type { Db } from '@millrace/db';
import type { Handler } from '@millrace/dedicated-runner';
import { History, Queue } from '@millrace/queue';
import { Settings, type WorkerGroup } from '@millrace/settings';
import { DedicatedExecutor, HandlerExecutor } from './dedicated-executor';
import { WorkerConfigError } from './errors';
import type { Executor } from './executor';
import { GenericExecutor } from './generic-executor';
import { runInitScript } from './init-script';
import { RoutingExecutor } from './routing-executor';
import { ScriptCodeCache } from './script-code';
import { WorkerLoop, type WorkerLoopOptions } from './worker-loop';

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
  /** generic groups: pre-started processes per slot (0 = spawn per job) */
  spares?: number;
  /** stop on SIGTERM/SIGINT (a second signal abandons in-flight jobs); for CLIs, off by default */
  handleSignals?: boolean;
  /** how long stop() lets in-flight jobs finish (default 30 s) */
  stopTimeoutMs?: number;
  pollMs?: number;
  heartbeat?: WorkerLoopOptions['heartbeat'];
  completer?: WorkerLoopOptions['completer'];
  onError?: (err: unknown) => void;
  /** finished jobs older than this are removed (default: the queue's, 30 days; 0 = keep forever) */
  retentionMs?: number;
  /** run the history maintenance (id ranges, retention; docs/history.md) in this worker (default true) */
  maintainHistory?: boolean;
}

export interface RunningWorker {
  name: string;
  /** jobs this worker has finished */
  readonly jobsDone: number;
  /** resolves once the worker has stopped, by stop() or by a signal */
  readonly stopped: Promise<void>;
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

interface Mode {
  key: string;
  tags: string[];
  concurrency: number;
  env: Record<string, string>;
  dedicatedScript: string | null;
}

function modeOf(group: WorkerGroup, options: StartWorkerOptions): Mode {
  const concurrency = options.concurrency ?? group.concurrency;
  // Warm runtimes (a dedicated script's threads, in-host handlers) are sized for the concurrency.
  const sizedFor = group.dedicatedWorker || options.handlers ? `|${concurrency}` : '';
  return {
    // the executor is rebuilt only when this changes: generic ↔ dedicated, another script, new env,
    // or a new concurrency for warm runtimes; anything else applies to the running one
    key: `${group.dedicatedWorker ?? ''}|${JSON.stringify(group.env)}${sizedFor}`,
    tags: group.servedTags,
    concurrency,
    env: group.env,
    dedicatedScript: group.dedicatedWorker,
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
  if (!mode.dedicatedScript) {
    const generic = new GenericExecutor({
      concurrency: mode.concurrency,
      env: mode.env,
      spares: options.spares,
    });
    return new RoutingExecutor(generic, handlers);
  }
  const dedicated = new DedicatedExecutor({
    concurrency: mode.concurrency,
    env: mode.env,
    runtime: options.runtime,
  });
  if (!handlers?.handles(mode.dedicatedScript)) {
    try {
      await dedicated.warm(await settings.getScript(mode.dedicatedScript));
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

  let stopping: Promise<void> | null = null;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const stop = (stopOptions: { timeoutMs?: number } = {}) => {
    stopping ??= (async () => {
      removeSignals();
      await unwatch();
      await applying.catch(() => {});
      await loop.stop({ timeoutMs: stopOptions.timeoutMs ?? options.stopTimeoutMs ?? 30_000 });
      await queue.stopWorker(name, loop.done).catch(onError);
      await stopHistory?.();
      markStopped();
    })();
    return stopping;
  };

  let signals = 0;
  const onSignal = () => {
    signals++;
    // the second signal abandons in-flight jobs: they are re-queued when their heartbeat goes stale
    if (signals === 1) void stop();
    else void loop.stop({ timeoutMs: 0 });
  };
  const removeSignals = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  if (options.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return {
    name,
    get jobsDone() {
      return loop.done;
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
