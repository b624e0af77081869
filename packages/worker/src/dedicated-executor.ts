import { availableParallelism } from 'node:os';
import { type Handler, openRunner, type Runner, type RuntimeKind } from '@millrace/dedicated-runner';
import type { Capacity, ExecutableJob, Executor, JobContext, JobOutcome } from './executor';
import { runOnRunner } from './runner-outcome';

export interface DedicatedExecutorOptions {
  /** jobs in flight at once */
  concurrency: number;
  env: Record<string, string>;
  /** 'thread' (default for JS/TS) or 'process'; Python always runs in the process runtime */
  runtime?: Exclude<RuntimeKind, 'inline'>;
  /** threads or processes; default min(concurrency, cores) */
  threads?: number;
  /** process runtime (untrusted code): RLIMIT_DATA of each process, MiB */
  memoryLimitMb?: number;
  /** process runtime: run the processes as this uid/gid (the worker runs as root) */
  runAs?: { uid: number; gid: number };
  /** a job with no timeout of its own gets this one (every runtime) */
  defaultTimeoutMs?: number;
}

/** Tells executors apart in capacity keys: two executors never share slots, even for one version. */
let executorCount = 0;

interface VersionRunner {
  runner: Promise<Runner>;
  inFlight: number;
}

/**
 * Runs jobs of one script in warm runtimes: each script version is loaded once and fed job after
 * job. Jobs carry their version's hash, so a redeploy simply starts a runner for the new hash
 * while the old one drains its jobs; an old runner closes once a newer one exists and it is idle.
 */
export class DedicatedExecutor implements Executor {
  private readonly runners = new Map<string, VersionRunner>();
  private newest: string | null = null;
  private closed = false;
  private readonly threads: number;
  private readonly maxInFlightPerRuntime: number;
  /** one job queued ahead per runtime, when the runtimes' slots add up to exactly `concurrency` */
  private readonly lookahead: number;
  private readonly keyPrefix = `dedicated-${++executorCount}:`;

  constructor(private readonly options: DedicatedExecutorOptions) {
    this.threads = options.threads ?? Math.max(1, Math.min(options.concurrency, availableParallelism()));
    this.maxInFlightPerRuntime = Math.max(1, Math.ceil(options.concurrency / this.threads));
    this.lookahead = this.threads * this.maxInFlightPerRuntime === options.concurrency ? 1 : 0;
  }

  async run(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    if (this.closed)
      return { status: 'failure', error: { message: 'worker is stopping', reason: 'runtime_lost' } };
    const entry = this.runnerFor(job);
    entry.inFlight++;
    try {
      const timeoutMs = job.timeoutMs ?? this.options.defaultTimeoutMs ?? null;
      return await runOnRunner(entry.runner, timeoutMs === job.timeoutMs ? job : { ...job, timeoutMs }, ctx);
    } finally {
      entry.inFlight--;
      this.retireIdle();
    }
  }

  /**
   * Loads a script version before any job of it arrives (the worker calls this at start with the
   * latest version), so the first job does not pay for starting threads or processes and
   * importing the script (measured 35-45 ms for a thread, 65-75 ms for a process).
   * Resolves once the runtime is ready; a version that fails to load rejects, and is retried
   * by the first job as usual.
   */
  async warm(version: Pick<ExecutableJob, 'hash' | 'code' | 'language'>): Promise<void> {
    if (this.closed) return;
    await this.runnerFor(version).runner;
  }

  /**
   * Each version's runtimes run at most `concurrency` jobs at once (threads × slots each) and hold
   * one more each, started there the moment a running job ends: no round trip through this thread
   * between two jobs. None held ahead when the runtimes' slots do not add up to `concurrency`.
   */
  capacity(job: Pick<ExecutableJob, 'hash'>): Capacity | undefined {
    if (this.lookahead === 0 || this.closed) return undefined;
    const runs = this.threads * this.maxInFlightPerRuntime;
    return { key: this.keyPrefix + job.hash, runs, holds: runs + this.threads * this.lookahead };
  }

  private runnerFor(job: Pick<ExecutableJob, 'hash' | 'code' | 'language'>): VersionRunner {
    let entry = this.runners.get(job.hash);
    if (!entry) {
      const python = job.language === 'python';
      const runtime = python ? 'process' : (this.options.runtime ?? 'thread');
      // the group's confinement applies where code is untrusted: a process; a thread is the worker's own
      const confined =
        runtime === 'process' ? { memoryLimitMb: this.options.memoryLimitMb, runAs: this.options.runAs } : {};
      const runner = openRunner({
        content: job.code,
        language: python ? 'python' : 'javascript',
        runtime,
        ...confined,
        concurrency: this.threads,
        maxInFlightPerRuntime: this.maxInFlightPerRuntime,
        lookahead: this.lookahead,
        env: this.options.env,
      });
      // a version that fails to load is forgotten, so a later job retries the load
      runner.catch(() => this.runners.delete(job.hash));
      entry = { runner, inFlight: 0 };
      this.runners.set(job.hash, entry);
    }
    this.newest = job.hash;
    return entry;
  }

  private retireIdle(): void {
    for (const [hash, entry] of this.runners) {
      if (hash === this.newest || entry.inFlight > 0) continue;
      this.runners.delete(hash);
      void entry.runner.then((r) => r.close()).catch(() => {});
    }
  }

  async close(opts: { force?: boolean } = {}): Promise<void> {
    this.closed = true;
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(all.map((e) => e.runner.then((r) => r.close({ force: opts.force })).catch(() => {})));
  }
}

/**
 * Runs the host's own functions for the paths it names: no thread hop, for-loop speed. Each path's
 * inline runner runs at most `concurrency` jobs at once, so a job handed ahead waits in it and
 * starts the moment the running one ends, before the worker loop hears of that end.
 */
export class HandlerExecutor implements Executor {
  private readonly runners = new Map<string, Promise<Runner>>();
  private readonly keyPrefix = `handlers-${++executorCount}:`;

  constructor(
    private readonly handlers: Record<string, Handler>,
    private readonly concurrency: number,
  ) {}

  handles(path: string): boolean {
    return Object.hasOwn(this.handlers, path);
  }

  /** A path's inline runner runs `concurrency` at once and holds one more, started as one ends. */
  capacity(job: Pick<ExecutableJob, 'path'>): Capacity | undefined {
    if (!this.handles(job.path)) return undefined;
    return { key: this.keyPrefix + job.path, runs: this.concurrency, holds: this.concurrency + 1 };
  }

  async run(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    let runner = this.runners.get(job.path);
    if (!runner) {
      runner = openRunner({
        handler: this.handlers[job.path],
        runtime: 'inline',
        concurrency: this.concurrency,
      });
      this.runners.set(job.path, runner);
    }
    return runOnRunner(runner, job, ctx);
  }

  async close(opts: { force?: boolean } = {}): Promise<void> {
    const all = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(all.map((r) => r.then((x) => x.close({ force: opts.force })).catch(() => {})));
  }
}
