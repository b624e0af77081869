import type { HandlerExecutor } from './dedicated-executor';
import type { ExecutableJob, Executor, JobContext, JobOutcome } from './executor';

/** Jobs whose path has an in-host handler run it; everything else goes to the group's executor. */
export class RoutingExecutor implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly handlers: HandlerExecutor | null,
  ) {}

  run(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    if (this.handlers?.handles(job.path)) return this.handlers.run(job, ctx);
    return this.inner.run(job, ctx);
  }

  /** Each side counts only its own jobs against `running`: a job goes ahead only where all the rest run. */
  takesAhead(job: Pick<ExecutableJob, 'path' | 'hash'>, concurrency: number, running: number): number {
    if (this.handlers?.handles(job.path)) return this.handlers.takesAhead(job, concurrency, running);
    return this.inner.takesAhead?.(job, concurrency, running) ?? 0;
  }

  async close(opts?: { force?: boolean }): Promise<void> {
    await Promise.all([this.inner.close(opts), this.handlers?.close(opts)]);
  }
}
