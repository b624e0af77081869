// How a finished cold process becomes a JobOutcome: the wrapper's reply if it sent one, else the
// way the process ended (exit code or signal).
import type { JobError, JobOutcome } from '../executor';
import type { ProcessEnd, WrapperReply } from './cold-process';

const ALLOCATION_FAILURE_SIGNALS: string[] = ['SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGTRAP', 'SIGILL'];

export function failure(reason: JobError['reason'], message: string, retryable?: boolean): JobOutcome {
  const outcome: JobOutcome = { status: 'failure', error: { message, reason } };
  if (retryable !== undefined) outcome.retryable = retryable;
  return outcome;
}

export function outcomeOf(
  reply: WrapperReply | undefined,
  end: ProcessEnd,
  memoryLimitMb?: number,
): JobOutcome {
  if (reply?.type === 'result') {
    try {
      return { status: 'success', result: JSON.parse(reply.json) };
    } catch (err) {
      return failure('crash', `result could not be parsed: ${(err as Error).message}`);
    }
  }
  if (reply?.type === 'error') {
    const outcome: JobOutcome = { status: 'failure', error: reply.error };
    if (reply.retryable !== undefined) outcome.retryable = reply.retryable;
    return outcome;
  }
  if (reply?.type === 'uncaught') {
    return {
      status: 'failure',
      error: { ...reply.error, message: `uncaught exception: ${reply.error.message}`, reason: 'crash' },
    };
  }
  if (end.spawnError) return failure('crash', `could not start node: ${end.spawnError.message}`);
  if (end.signal) {
    // V8 and glibc abort when an allocation fails: the usual way a node job meets its memory cap.
    const cap =
      memoryLimitMb !== undefined && ALLOCATION_FAILURE_SIGNALS.includes(end.signal)
        ? ` (it may have hit its memory cap of ${memoryLimitMb} MiB)`
        : '';
    return failure('crash', `process was killed by ${end.signal} before returning a result${cap}`);
  }
  if (end.code === 0) {
    return failure(
      'no_result',
      'process exited with code 0 without returning a result (main never settled, or the script exited)',
    );
  }
  return failure('no_result', `process exited with code ${end.code} before returning a result`);
}
