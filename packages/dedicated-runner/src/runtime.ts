// The contract between the pool and one warm runtime (a worker thread or a child process).
import type { Call, CallHolder } from './call';
import type { RunnerError } from './errors';

export type ExitKind = 'closed' | 'killed' | 'crashed';

export interface RuntimeEvents {
  /** Some calls settled: the pool may dispatch more. */
  onSettled(runtime: Runtime): void;
  /** The runtime is gone: closed on purpose, killed (timeout, cancel, force close) or crashed. */
  onExit(runtime: Runtime, how: ExitKind): void;
  /** Calls it held queued and never started: the pool runs them elsewhere. */
  onReturned(calls: Call[]): void;
}

export interface Runtime extends CallHolder {
  /** calls sent and not settled: running, or queued ahead */
  readonly inFlight: number;
  /** Resolves once the script is loaded; rejects LoadError (or RuntimeCrashedError if it died first). */
  readonly ready: Promise<void>;
  /** `ahead`: the runtime queues the call until one of its slots frees, then reports it started. */
  send(call: Call, ahead: boolean): void;
  /** Asks it to give back one call it holds unstarted (it comes back through onReturned); false if none. */
  reclaim(): boolean;
  /** Stops it now; calls in flight reject with `error()` (a RuntimeCrashedError, or RunnerClosedError on force close). */
  kill(error: () => RunnerError): void;
  /** Stops it gracefully; the pool calls this only once nothing is in flight. */
  close(): Promise<void>;
}

export type RuntimeFactory = (events: RuntimeEvents) => Runtime;

/** Why the calls sharing a runtime with an expired call are lost. */
export function siblingLostMessage(kind: string, reason: 'timeout' | 'canceled' | string): string {
  const what = reason === 'timeout' ? 'timed out' : 'was canceled';
  return `lost: another call on the same ${kind} ${what}, so the ${kind} was terminated and replaced`;
}
