// One run() in flight: its promise, its log sink, and the timer/abort wiring that can end it early.
import { RunCanceledError, type RunnerError, RunTimeoutError } from './errors';
import type { RunOptions } from './options';

/** Whatever currently holds a call (a thread, a process) and must give it up when it expires. */
export interface CallHolder {
  evict(call: Call, error: RunnerError): void;
}

export type ExpireHandler = (call: Call, error: RunnerError) => void;

let nextId = 1;

export class Call {
  readonly id = nextId++;
  readonly args: unknown;
  readonly promise: Promise<unknown>;
  settled = false;
  holder: CallHolder | undefined;
  private resolveFn!: (value: unknown) => void;
  private rejectFn!: (error: unknown) => void;
  private readonly onLog: ((text: string) => void) | undefined;
  private readonly signal: AbortSignal | undefined;
  private timer: NodeJS.Timeout | undefined;
  private abortListener: (() => void) | undefined;

  constructor(args: unknown, options: RunOptions | undefined) {
    this.args = args;
    this.onLog = options?.onLog;
    this.signal = options?.signal;
    this.promise = new Promise((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /** Arms the timeout and the abort signal; `onExpire` decides what happens to the holder. */
  arm(timeoutMs: number | undefined, onExpire: ExpireHandler): void {
    const signal = this.signal;
    if (signal?.aborted) {
      this.reject(new RunCanceledError(signal.reason));
      return;
    }
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => onExpire(this, new RunTimeoutError(timeoutMs)), timeoutMs);
    }
    if (signal) {
      this.abortListener = () => onExpire(this, new RunCanceledError(signal.reason));
      signal.addEventListener('abort', this.abortListener, { once: true });
    }
  }

  log(text: string): void {
    if (this.settled || this.onLog === undefined) return;
    try {
      this.onLog(text);
    } catch {
      // A throwing log sink is the host's bug; it must not take the call down with it.
    }
  }

  resolve(value: unknown): void {
    if (this.settled) return;
    this.finish();
    this.resolveFn(value);
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.finish();
    this.rejectFn(error);
  }

  private finish(): void {
    this.settled = true;
    this.holder = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.abortListener !== undefined) this.signal?.removeEventListener('abort', this.abortListener);
  }
}
