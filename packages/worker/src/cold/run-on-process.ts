// Runs one job on one cold process: hands it the job, streams its output, enforces the timeout,
// honours cancel and forced close. Resolves once the job's answer and all its output are in, or,
// for a job that was stopped or crashed, once its process is gone.
import type { ExecutableJob, JobContext, JobOutcome } from '../executor';
import type { ColdProcess } from './cold-process';
import { LogSink } from './log-sink';
import { failure, outcomeOf } from './outcome';

export interface RunLimits {
  maxResultBytes: number;
  maxLogBytes: number;
  killGraceMs: number;
  /** for a job that sets no timeout of its own */
  defaultTimeoutMs: number;
  memoryLimitMb?: number;
}

export function runOnProcess(
  proc: ColdProcess,
  job: ExecutableJob,
  ctx: JobContext,
  scriptPath: string,
  limits: RunLimits,
  forceClose: AbortSignal,
): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const logs = new LogSink((text) => ctx.onLog(text), limits.maxLogBytes);
    // Set when we decide to stop the job; it wins over whatever the dying process reports.
    let stoppedAs: JobOutcome | undefined;
    const stop = (outcome: JobOutcome) => {
      // A job that already answered has finished: its answer stands.
      if (stoppedAs || proc.reply) return;
      stoppedAs = outcome;
      proc.terminate(limits.killGraceMs);
    };
    const onCancel = () => stop({ status: 'canceled' });
    const onForceClose = () =>
      stop(failure('runtime_lost', 'executor was closed with force while the job ran'));
    const timeoutMs = job.timeoutMs ?? limits.defaultTimeoutMs;
    const timer = setTimeout(() => stop(failure('timeout', `timed out after ${timeoutMs} ms`)), timeoutMs);

    proc.setKeepsHostAlive(true);
    proc.attachOutput((chunk) => logs.write(chunk));
    ctx.signal.addEventListener('abort', onCancel, { once: true });
    forceClose.addEventListener('abort', onForceClose, { once: true });
    if (ctx.signal.aborted) onCancel();
    if (forceClose.aborted) onForceClose();

    proc.ready.then((ready) => {
      if (!ready || stoppedAs) return;
      // The job starts when its process is ready, not when it was handed here: waiting for a fresh
      // process is the cold start, which the timeline shows as the gap between two jobs.
      ctx.onStart?.(Date.now());
      const error = proc.send({
        type: 'run',
        scriptPath,
        args: job.args,
        maxResultBytes: limits.maxResultBytes,
        endMark: proc.endMark,
      });
      if (error) stop(failure('crash', `could not hand the job to the process: ${error.message}`));
    });

    let settled = false;
    const settle = (outcome: JobOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onCancel);
      forceClose.removeEventListener('abort', onForceClose);
      logs.end();
      resolve(outcome);
    };
    proc.answered.then(() => {
      // A stopped job resolves only once its process is dead.
      if (stoppedAs) return;
      settle(outcomeOf(proc.reply, { code: 0, signal: null }, limits.memoryLimitMb));
      // It is exiting on its own; make sure it does.
      const reaper = setTimeout(() => proc.terminate(0), limits.killGraceMs);
      proc.ended.then(() => clearTimeout(reaper));
    });
    proc.ended.then((end) => settle(stoppedAs ?? outcomeOf(proc.reply, end, limits.memoryLimitMb)));
  });
}
