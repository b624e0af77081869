import type { HandlerExecutor } from './dedicated-executor';
import type { Capacity, ExecutableJob, Executor, JobContext, JobOutcome } from './executor';

/** Jobs whose path has an in-host handler run it; everything else goes to the group's executor. */
export class RoutingExecutor implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly handlers: HandlerExecutor | null,
  ) {}

  run(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    if (this.handlers?.handles(job.path)) return this.handlers.run(job, ctx);
    if (job.language === 'handler') return Promise.resolve(noHandler(job.path));
    return this.inner.run(job, ctx);
  }

  /** The capacity of whichever side runs the job (their keys differ, so they never share slots). */
  capacity(job: Pick<ExecutableJob, 'path' | 'hash'>): Capacity | undefined {
    if (this.handlers?.handles(job.path)) return this.handlers.capacity(job);
    return this.inner.capacity?.(job);
  }

  async close(opts?: { force?: boolean }): Promise<void> {
    await Promise.all([this.inner.close(opts), this.handlers?.close(opts)]);
  }
}

/**
 * A job of a path registered as an in-host handler reached a worker that does not hold it (its tag
 * is served by other workers too). Not retried here: the fix is routing, which the message names.
 */
function noHandler(path: string): JobOutcome {
  return {
    status: 'failure',
    retryable: false,
    error: {
      name: 'NoHandlerError',
      reason: 'no_handler',
      message:
        `${path} is an in-host handler and this worker holds none for it: give its jobs a tag ` +
        '(script settings) that only the workers started with that handler serve',
    },
  };
}
