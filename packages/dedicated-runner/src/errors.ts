// Every error a runner hands back. The worker layer maps `reason` to a job outcome
// without instanceof chains: 'thrown' fails the job, 'timeout' and 'canceled' are
// their own outcomes, 'crash' means the runtime died under the call (retryable).

import { MillraceError } from './millrace-error';

export type FailureReason = 'thrown' | 'timeout' | 'canceled' | 'crash' | 'closed' | 'load' | 'invalid';

/** What a script threw, as plain JSON (ready for a job record). */
export interface ScriptErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

export class RunnerError extends MillraceError {
  readonly reason: FailureReason;
  constructor(code: string, reason: FailureReason, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.reason = reason;
  }

  toJSON(): { code: string; reason: FailureReason; name: string; message: string; stack?: string } {
    return {
      code: this.code,
      reason: this.reason,
      name: this.name,
      message: this.message,
      stack: this.stack,
    };
  }
}

/** main(args) threw or rejected. `errorName` is the thrown error's own name (e.g. TypeError). */
export class ScriptError extends RunnerError {
  readonly errorName: string;
  constructor(info: ScriptErrorInfo, code = 'script_error') {
    super(code, 'thrown', info.message);
    this.errorName = info.name;
    // Keep the script's stack: the host-side stack would only show the runner's plumbing.
    if (info.stack !== undefined) this.stack = info.stack;
  }

  get script(): ScriptErrorInfo {
    return { name: this.errorName, message: this.message, stack: this.stack };
  }
}

/** main returned something JSON cannot carry (function, BigInt, circular structure). */
export class ResultNotJsonError extends ScriptError {
  constructor(info: ScriptErrorInfo) {
    super(info, 'result_not_json');
  }
}

/** main returned a result bigger than `maxResultBytes`. */
export class ResultTooLargeError extends ScriptError {
  constructor(info: ScriptErrorInfo) {
    super(info, 'result_too_large');
  }
}

export class RunTimeoutError extends RunnerError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super('run_timeout', 'timeout', `timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

export class RunCanceledError extends RunnerError {
  constructor(cause?: unknown) {
    super('run_canceled', 'canceled', 'the call was canceled', { cause });
  }
}

/**
 * The thread or process died while the call was in flight. `lost` is 'crashed' when it died on
 * its own (exit, uncaught error, out of memory) and 'replaced' when the runner terminated it
 * because another call on it timed out or was canceled — this call did nothing wrong.
 */
export class RuntimeCrashedError extends RunnerError {
  readonly lost: 'crashed' | 'replaced';
  constructor(message: string, options?: { cause?: unknown; lost?: 'crashed' | 'replaced' }) {
    super('runtime_crashed', 'crash', message, { cause: options?.cause });
    this.lost = options?.lost ?? 'crashed';
  }
}

export class RunnerClosedError extends RunnerError {
  constructor(message = 'the runner is closed') {
    super('runner_closed', 'closed', message);
  }
}

/** The script could not be imported, or exports no main function. */
export class LoadError extends RunnerError {
  readonly script?: ScriptErrorInfo;
  constructor(message: string, script?: ScriptErrorInfo) {
    super('load_error', 'load', message);
    this.script = script;
    if (script?.stack !== undefined) this.stack = script.stack;
  }
}

export class InvalidRunnerOptionsError extends RunnerError {
  constructor(message: string) {
    super('invalid_runner_options', 'invalid', message);
  }
}

/** Turns a wire error (from a thread or a process) into the matching class. */
export function scriptErrorFromWire(info: ScriptErrorInfo, kind?: string): ScriptError {
  if (kind === 'not-json') return new ResultNotJsonError(info);
  if (kind === 'too-large') return new ResultTooLargeError(info);
  return new ScriptError(info);
}

/**
 * Args that cannot be a job's or a call's input: not a JSON object, a value JSON would change (a
 * Date, NaN, a function, a Map…), not cloneable for run(), or refused by a job definition's
 * `parseArgs` (`cause`). One class for the queue and the runner (@millrace/queue re-exports it).
 */
export class InvalidArgsError extends MillraceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_args', message, options);
  }
}

/** The wire shape of anything thrown: the script contract's own rule (runtime/script-contract.mjs). */
export { errorInfo } from '../runtime/script-contract.mjs';
