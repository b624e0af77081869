import type { Completion, JobError, LogChunk, Queue } from '@millrace/queue';
import { RowRefusedError, WriteFailingError } from './errors';
import { WriteInterrupted, writeSplitting } from './split-write';
import { describeDbError, isRowRefusal } from './write-errors';

export interface CompleterOptions {
  /** flush as soon as this many completions are pending (default 500) */
  maxBatch?: number;
  /** how long a lone completion may wait for company; 0 = the next turn of the event loop (default 0) */
  flushDelayMs?: number;
  /** log chunks of running jobs are shipped at least this often (default 100 ms) */
  logFlushMs?: number;
  /** callers of `add` wait while this many completions are pending (default 10,000) */
  maxPending?: number;
  /** called with the ids whose completion was written (or refused as stale, or given up) */
  onFlushed?: (ids: string[]) => void;
  /** a row refused and isolated (RowRefusedError), or a write failed and will be retried (WriteFailingError) */
  onError?: (err: unknown) => void;
  /** writes started failing (true) or work again (false): the worker claims nothing meanwhile */
  onFailing?: (failing: boolean) => void;
}

/** How the Completer's writes are going, for the worker's status. */
export interface CompleterStatus {
  /** the last write failed (not for a row's data) and is being retried */
  failing: boolean;
  failingSince: Date | null;
  lastError: string | null;
  /** completions waiting to be written */
  pending: number;
  /** rows the database refused for their data, isolated and replaced (or dropped) */
  refusedRows: number;
}

/**
 * Group commit for the worker side: results, errors and log chunks are buffered for a moment and
 * written in as few statements as possible — a batch of one at low load, hundreds at high load.
 * One flush runs at a time; what arrives meanwhile rides the next one. Logs are written before the
 * completions of the same flush, so a finished job's logs are complete when it shows as finished.
 * A batch refused for one row's data is split until that row is alone: the row's job ends with
 * `completion_refused` (a log chunk becomes a note) and the rest is written. Any other failure is
 * retried with backoff, and `onFailing` tells the worker to stop claiming until a write succeeds.
 */
export class Completer {
  private completions: Completion[] = [];
  private logs: LogChunk[] = [];
  private flushing: Promise<void> | null = null;
  /** cancels the scheduled flush, if any */
  private scheduled: (() => void) | null = null;
  private logTimer: NodeJS.Timeout | null = null;
  private drainedWaiters: ((written: boolean) => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private failures = 0;
  /** past this time (epoch ms) a failed write is given up instead of retried (set by a stopping drain) */
  private giveUpAt = Number.POSITIVE_INFINITY;
  private readonly state: CompleterStatus = {
    failing: false,
    failingSince: null,
    lastError: null,
    pending: 0,
    refusedRows: 0,
  };
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

  get status(): CompleterStatus {
    return { ...this.state, pending: this.completions.length };
  }

  get failing(): boolean {
    return this.state.failing;
  }

  /**
   * Resolves true when everything queued so far is written; false when a write fails after
   * `giveUpAt` (epoch ms): then nothing more is retried, and close() drops what is left.
   */
  async drain(giveUpAt = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.giveUpAt = giveUpAt;
    if (!this.flushing && this.completions.length === 0 && this.logs.length === 0) return true;
    return new Promise<boolean>((resolve) => {
      this.drainedWaiters.push(resolve);
      this.schedule(0);
    });
  }

  /** Stops timers; anything still pending is dropped (the jobs stay running and will be reaped). */
  close(): number {
    this.scheduled?.();
    this.scheduled = null;
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    const dropped = this.completions.length;
    this.completions = [];
    this.logs = [];
    for (const resolve of this.roomWaiters.splice(0)) resolve();
    for (const resolve of this.drainedWaiters.splice(0)) resolve(false);
    return dropped;
  }

  private schedule(delayMs: number): void {
    if (this.flushing) return; // the running flush picks everything up when it ends
    if (this.scheduled && delayMs > 0) return;
    this.scheduled?.();
    const run = () => {
      this.scheduled = null;
      this.flushing = this.flush().finally(() => {
        this.flushing = null;
        const left = this.completions.length > 0 || this.logs.length > 0;
        if (left && this.failures > 0 && Date.now() >= this.giveUpAt) {
          for (const resolve of this.drainedWaiters.splice(0)) resolve(false);
        } else if (left) this.schedule(this.retryDelay());
        else for (const resolve of this.drainedWaiters.splice(0)) resolve(true);
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
      await writeSplitting(
        logs,
        (rows) => this.queue.appendLogs(rows),
        (row, err) => this.logRefused(row, err),
      );
    } catch (err) {
      this.logs.unshift(...unwrittenOf(err, logs));
      this.completions.unshift(...batch);
      this.failed(err);
      return;
    }
    const written: string[] = [];
    try {
      await writeSplitting(
        batch,
        async (rows) => {
          await this.queue.complete(rows);
          for (const c of rows) written.push(c.id);
        },
        async (row, err) => {
          await this.completionRefused(row, err);
          written.push(row.id);
        },
      );
    } catch (err) {
      this.completions.unshift(...unwrittenOf(err, batch));
      if (written.length > 0) this.options.onFlushed?.(written);
      this.failed(err);
      return;
    }
    this.recovered();
    this.options.onFlushed?.(written);
    if (this.completions.length < this.maxPending)
      for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  /** A log chunk the database refused: a note takes its place, or, refused too, it is dropped. */
  private async logRefused(row: LogChunk, err: unknown): Promise<void> {
    this.state.refusedRows++;
    const why = describeDbError(err);
    const note = `\n[millrace] ${row.text.length} characters of output were refused by the database: ${why}\n`;
    let kept = 'a note was stored in its place';
    try {
      await this.queue.appendLogs([{ ...row, text: note }]);
    } catch (again) {
      if (!isRowRefusal(again)) throw again;
      kept = 'so was the note, and both were dropped';
    }
    this.report(
      new RowRefusedError(`a log chunk of job ${row.id} was refused: ${why}; ${kept}`, row.id, {
        cause: err,
      }),
    );
  }

  /** A completion the database refused: the job fails with that reason, or, refused too, is left to the reaper. */
  private async completionRefused(row: Completion, err: unknown): Promise<void> {
    this.state.refusedRows++;
    const why = describeDbError(err);
    const error: JobError = {
      name: 'CompletionRefusedError',
      message: `the database refused to store this job's outcome: ${why}`,
      reason: 'completion_refused',
    };
    const { id, token, startedAt, durationMs } = row;
    let kept = 'the job failed with completion_refused';
    try {
      await this.queue.complete([
        row.status === 'canceled'
          ? { id, token, startedAt, durationMs, status: 'canceled', error }
          : { id, token, startedAt, durationMs, status: 'failure', error, retryable: false },
      ]);
    } catch (again) {
      if (!isRowRefusal(again)) throw again;
      kept = 'so was its failure: the job is left for the reaper';
    }
    this.report(
      new RowRefusedError(`the outcome of job ${id} was refused: ${why}; ${kept}`, id, { cause: err }),
    );
  }

  private failed(err: unknown): void {
    const cause = err instanceof WriteInterrupted ? err.cause : err;
    this.failures++;
    this.state.lastError = describeDbError(cause);
    if (!this.state.failing) {
      this.state.failing = true;
      this.state.failingSince = new Date();
      this.options.onFailing?.(true);
    }
    this.report(
      new WriteFailingError(
        `cannot write results and logs (${this.failures} failed attempts; the worker claims nothing until a write succeeds): ${this.state.lastError}`,
        { cause },
      ),
    );
  }

  private recovered(): void {
    this.failures = 0;
    if (!this.state.failing) return;
    this.state.failing = false;
    this.state.failingSince = null;
    this.options.onFailing?.(false);
  }

  private report(err: unknown): void {
    try {
      this.options.onError?.(err);
    } catch {
      // the host's reporting bug must not stop the writes
    }
  }
}

function unwrittenOf<T>(err: unknown, all: T[]): T[] {
  return err instanceof WriteInterrupted ? (err.unwritten as T[]) : all;
}
