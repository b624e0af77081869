// One run() in flight: its promise, its log sink, and the timer/abort wiring that can end it early.
// A call may wait before it starts (in the pool's queue, or queued ahead inside a runtime): its
// timeout counts from start(), so time spent waiting for a free slot is never charged to it.
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
  /** main() has begun (the runtime said so, or it was sent to a runtime with a free slot) */
  started = false;
  /** the runtime holding it unstarted was asked to drop it (to cancel it, or to run it elsewhere) */
  dropAsked = false;
  /** set when the call was evicted before it started: once dropped it rejects with this */
  dropError: RunnerError | undefined;
  holder: CallHolder | undefined;
  private resolveFn!: (value: unknown) => void;
  private rejectFn!: (error: unknown) => void;
  private readonly onLog: ((text: string) => void) | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly onStart: ((startedAtMs: number) => void) | undefined;
  private timeoutMs: number | undefined;
  private onExpire: ExpireHandler | undefined;
  private timer: NodeJS.Timeout | undefined;
  private abortListener: (() => void) | undefined;

  constructor(args: unknown, options: RunOptions | undefined) {
    this.args = args;
    this.onLog = options?.onLog;
    this.signal = options?.signal;
    this.onStart = options?.onStart;
    this.promise = new Promise((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /** Wires the abort signal now and the timeout for start(); `onExpire` decides what happens to the holder. */
  arm(timeoutMs: number | undefined, onExpire: ExpireHandler): void {
    const signal = this.signal;
    if (signal?.aborted) {
      this.reject(new RunCanceledError(signal.reason));
      return;
    }
    this.timeoutMs = timeoutMs;
    this.onExpire = onExpire;
    if (signal) {
      this.abortListener = () => onExpire(this, new RunCanceledError(signal.reason));
      signal.addEventListener('abort', this.abortListener, { once: true });
    }
  }

  /** main() began at `startedAtMs` (epoch ms): the timeout starts counting, the caller is told. */
  start(startedAtMs: number = Date.now()): void {
    if (this.started || this.settled) return;
    this.started = true;
    const { timeoutMs, onExpire } = this;
    if (timeoutMs !== undefined && onExpire !== undefined) {
      this.timer = setTimeout(() => onExpire(this, new RunTimeoutError(timeoutMs)), timeoutMs);
    }
    if (this.onStart === undefined) return;
    try {
      this.onStart(startedAtMs);
    } catch {
      // the host's bug, as with a throwing log sink
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
