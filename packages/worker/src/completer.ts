import type { Completion, LogChunk, Queue } from '@millrace/queue';

export interface CompleterOptions {
  /** flush as soon as this many completions are pending (default 500) */
  maxBatch?: number;
  /** how long a lone completion may wait for company; 0 = the next turn of the event loop (default 0) */
  flushDelayMs?: number;
  /** log chunks of running jobs are shipped at least this often (default 100 ms) */
  logFlushMs?: number;
  /** callers of `add` wait while this many completions are pending (default 10,000) */
  maxPending?: number;
  /** called with the ids whose completion was written (or refused as stale) */
  onFlushed?: (ids: string[]) => void;
  /** a flush failed (database unreachable); it is retried with backoff */
  onError?: (err: unknown) => void;
}

/**
 * Group commit for the worker side: results, errors and log chunks are buffered for a moment and
 * written in as few statements as possible — a batch of one at low load, hundreds at high load.
 * One flush runs at a time; what arrives meanwhile rides the next one. Logs are written before the
 * completions of the same flush, so a finished job's logs are complete when it shows as finished.
 */
export class Completer {
  private completions: Completion[] = [];
  private logs: LogChunk[] = [];
  private flushing: Promise<void> | null = null;
  /** cancels the scheduled flush, if any */
  private scheduled: (() => void) | null = null;
  private logTimer: NodeJS.Timeout | null = null;
  private drainedWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private failures = 0;
  private readonly maxBatch: number;
  private readonly flushDelayMs: number;
  private readonly logFlushMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly queue: Queue,
    private readonly options: CompleterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.flushDelayMs = options.flushDelayMs ?? 0;
    this.logFlushMs = options.logFlushMs ?? 100;
    this.maxPending = options.maxPending ?? 10_000;
  }

  /** Queues a completion; resolves at once unless the backlog is full (backpressure). */
  add(completion: Completion): Promise<void> | undefined {
    this.completions.push(completion);
    this.schedule(this.completions.length >= this.maxBatch ? 0 : this.flushDelayMs);
    if (this.completions.length < this.maxPending) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  addLog(chunk: LogChunk): void {
    this.logs.push(chunk);
    if (!this.logTimer && !this.scheduled) {
      this.logTimer = setTimeout(() => {
        this.logTimer = null;
        this.schedule(0);
      }, this.logFlushMs);
    }
  }

  get pending(): number {
    return this.completions.length;
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    if (!this.flushing && this.completions.length === 0 && this.logs.length === 0) return;
    await new Promise<void>((resolve) => {
      this.drainedWaiters.push(resolve);
      this.schedule(0);
    });
  }

  /** Stops timers; anything still pending is dropped (the jobs stay running and will be reaped). */
  close(): void {
    this.scheduled?.();
    this.scheduled = null;
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
  }

  private schedule(delayMs: number): void {
    if (this.flushing) return; // the running flush picks everything up when it ends
    if (this.scheduled && delayMs > 0) return;
    this.scheduled?.();
    const run = () => {
      this.scheduled = null;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        if (this.completions.length > 0 || this.logs.length > 0) this.schedule(this.retryDelay());
        else for (const resolve of this.drainedWaiters.splice(0)) resolve();
      });
    };
    if (delayMs === 0) {
      const handle = setImmediate(run);
      this.scheduled = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(run, delayMs);
      this.scheduled = () => clearTimeout(handle);
    }
  }

  private retryDelay(): number {
    return this.failures === 0 ? 0 : Math.min(50 * 2 ** this.failures, 5_000);
  }

  private async flush(): Promise<void> {
    if (this.logTimer) {
      clearTimeout(this.logTimer);
      this.logTimer = null;
    }
    const logs = this.logs.splice(0);
    const batch = this.completions.splice(0, this.maxBatch * 10);
    try {
      await this.queue.appendLogs(logs);
    } catch (err) {
      this.logs.unshift(...logs);
      this.completions.unshift(...batch);
      this.failures++;
      this.options.onError?.(err);
      return;
    }
    try {
      if (batch.length > 0) await this.queue.complete(batch);
      this.failures = 0;
      this.options.onFlushed?.(batch.map((c) => c.id));
    } catch (err) {
      this.completions.unshift(...batch);
      this.failures++;
      this.options.onError?.(err);
      return;
    }
    if (this.completions.length < this.maxPending)
      for (const resolve of this.roomWaiters.splice(0)) resolve();
  }
}
