import { openRunner } from '@millrace/dedicated-runner';
import { createColdExecutor } from './cold/index';
import type { Capacity, ExecutableJob, Executor, JobContext, JobOutcome } from './executor';
import { runOnRunner } from './runner-outcome';

export interface GenericExecutorOptions {
  concurrency: number;
  env: Record<string, string>;
  /** pre-started processes in all (default: concurrency + 1); 0 = spawn per job */
  spares?: number;
  /** at most this many while start-ups cannot keep up (default: spares + 2) */
  maxSpares?: number;
  /** start the spares only once a first job came (a worker whose jobs may all be in-host handlers) */
  sparesAfterFirstJob?: boolean;
  /** RLIMIT_DATA of each job process, MiB (default 1024) */
  memoryLimitMb?: number;
  /** timeout of a job that sets none (default 15 min) */
  defaultTimeoutMs?: number;
  /** run job processes as this uid/gid (the worker must run as root) */
  runAs?: { uid: number; gid: number };
}

/**
 * A cold start per job. JavaScript and TypeScript go to the cold-process executor (a fresh,
 * pre-started node process per job); Python gets a fresh `python3` process per job through the
 * runner's process runtime, opened for the one job and closed after it.
 */
export class GenericExecutor implements Executor {
  private readonly cold: Executor;
  private readonly pythonRuns = new Set<Promise<unknown>>();
  /** script versions seen running cold (`path hash`): only those are held ahead (see `capacity`) */
  private readonly coldVersions = new Set<string>();
  private readonly limits: Pick<GenericExecutorOptions, 'memoryLimitMb' | 'runAs'> & {
    defaultTimeoutMs: number;
  };

  constructor(options: GenericExecutorOptions) {
    this.limits = {
      memoryLimitMb: options.memoryLimitMb ?? 1024,
      defaultTimeoutMs: options.defaultTimeoutMs ?? 900_000,
      runAs: options.runAs,
    };
    this.cold = createColdExecutor({
      concurrency: options.concurrency,
      env: options.env,
      ...this.limits,
      // spares 0: a process started per job, none ahead (the counts are then not used)
      prestart: options.spares === 0 ? false : options.sparesAfterFirstJob ? 'after-first-job' : true,
      spares: options.spares,
      maxSpares: options.maxSpares,
    });
  }

  run(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    if (job.language !== 'python') {
      if (this.coldVersions.size >= MAX_KNOWN_VERSIONS) this.coldVersions.clear();
      this.coldVersions.add(versionKey(job));
      return this.cold.run(job, ctx);
    }
    const run = this.runPythonOnce(job, ctx);
    this.pythonRuns.add(run);
    return run.finally(() => this.pythonRuns.delete(run));
  }

  /**
   * The cold executor holds one job per slot ahead, its script loaded, to start the moment a slot
   * frees. The worker asks before it has the job's code, so only versions already seen running
   * cold qualify: a Python job (a process per job, no slots of its own) is never handed ahead.
   */
  capacity(job: Pick<ExecutableJob, 'path' | 'hash'>): Capacity | undefined {
    return this.coldVersions.has(versionKey(job)) ? this.cold.capacity?.(job) : undefined;
  }

  private async runPythonOnce(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    const { memoryLimitMb, runAs, defaultTimeoutMs } = this.limits;
    const runner = openRunner({
      content: job.code,
      language: 'python',
      runtime: 'process',
      env: ctx.env,
      memoryLimitMb,
      runAs,
    });
    try {
      return await runOnRunner(runner, { ...job, timeoutMs: job.timeoutMs ?? defaultTimeoutMs }, ctx);
    } finally {
      await runner.then((r) => r.close({ force: true })).catch(() => {});
    }
  }

  async close(opts: { force?: boolean } = {}): Promise<void> {
    if (!opts.force) await Promise.allSettled([...this.pythonRuns]);
    await this.cold.close(opts);
  }
}

/** bounds the memory of `coldVersions`; forgetting only costs the next job of a version its lookahead */
const MAX_KNOWN_VERSIONS = 10_000;

function versionKey(job: Pick<ExecutableJob, 'path' | 'hash'>): string {
  return `${job.path} ${job.hash}`;
}
