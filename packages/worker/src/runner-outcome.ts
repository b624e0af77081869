import {
  RunCanceledError,
  type Runner,
  type RunnerError,
  RuntimeCrashedError,
} from '@millrace/dedicated-runner';
import type { ExecutableJob, JobContext, JobError, JobOutcome } from './executor';

/** Runs one job on a warm runner; every way the call can end becomes a JobOutcome. */
export async function runOnRunner(
  runner: Runner | Promise<Runner>,
  job: ExecutableJob,
  ctx: JobContext,
): Promise<JobOutcome> {
  try {
    const result = await (await runner).run(job.args, {
      onLog: ctx.onLog,
      onStart: ctx.onStart,
      signal: ctx.signal,
      timeoutMs: job.timeoutMs ?? undefined,
    });
    return { status: 'success', result };
  } catch (err) {
    return outcomeFromRunnerError(err);
  }
}

/** Maps how a warm runner call ended to how the job ends. */
export function outcomeFromRunnerError(err: unknown): JobOutcome {
  if (err instanceof RunCanceledError) return { status: 'canceled' };
  const e = err as Partial<RunnerError> & {
    errorName?: string;
    script?: { name: string };
    stack?: string;
    message?: string;
  };
  const reason = runnerReason(e);
  const error: JobError = {
    message: e.message ?? String(err),
    // the script's own name for what went wrong (SyntaxError, MissingMainError, TypeError…), as cold jobs report it
    name: e.script?.name ?? e.errorName ?? e.name,
    stack: e.stack,
    reason,
  };
  // a script that cannot load will not load on a retry either
  return { status: 'failure', error, retryable: e.reason !== 'load' };
}

function runnerReason(e: Partial<RunnerError>): JobError['reason'] {
  if (e instanceof RuntimeCrashedError) return e.lost === 'replaced' ? 'runtime_lost' : 'crash';
  if (e.code === 'result_too_large') return 'result_too_large';
  switch (e.reason) {
    case 'timeout':
      return 'timeout';
    case 'crash':
      return 'crash';
    case 'closed':
      return 'runtime_lost';
    default:
      return 'thrown';
  }
}
