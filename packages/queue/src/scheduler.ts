import type { Unlisten } from '@millrace/db';
import { SCHEDULES_CHANNEL } from '@millrace/settings';
import type { HandledFailure } from './failure-handler-jobs';
import type { Queue } from './queue';
import type { FiredTick } from './schedule-firing';
import { PRUNE_PROVENANCE, SCHEDULER_PROBE } from './sql/schedules';

export interface SchedulerOptions {
  /**
   * The longest sleep between passes (default 30 s). The loop sleeps until the earliest next tick
   * and is woken by NOTIFY when a schedule is set or a job fails for good; this bounds how late
   * it sees a change whose notification was lost (a listening connection being re-established).
   */
  intervalMs?: number;
  /** a due tick is fired up to this much after it (random), so a fleet's loops do not all race for it (default 200 ms) */
  jitterMs?: number;
  /** called with what each pass did (for logs); errors of a pass go to `onError` */
  onPass?: (pass: { fired: FiredTick[]; handled: HandledFailure[] }) => void;
  onError?: (err: Error) => void;
}

/** A schedule that could not fire (its script is gone…) is tried again after this. */
const RETRY_MS = 1_000;
const PRUNE_EVERY_MS = 10 * 60_000;

interface Probe {
  due_in_ms: number | string | null;
  failures_pending: boolean;
}

/**
 * The small loop every worker, server and `millrace dev` runs (docs/schedules.md#who-fires-ticks):
 * it fires due schedule ticks and pushes pending failure handler jobs. Any number of these may run
 * on one database; the database decides which one turns a tick or a failure into a job. Between
 * passes it sleeps until the earliest next tick (read from the database), at most `intervalMs`;
 * a schedule being set or a job failing for good wakes it at once (NOTIFY).
 */
export class Scheduler {
  private readonly intervalMs: number;
  private readonly jitterMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private prunedAt = Date.now();
  private unlisten: Unlisten[] = [];

  constructor(
    private readonly queue: Queue,
    private readonly options: SchedulerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.jitterMs = options.jitterMs ?? 200;
  }

  /** Starts listening and resolves after the first pass: whatever was due at start has been fired. */
  async start(): Promise<this> {
    if (!this.stopped) return this;
    this.stopped = false;
    const { db } = this.queue;
    this.unlisten = await Promise.all(
      ['millrace_failures', SCHEDULES_CHANNEL].map((channel) => db.listen(channel, () => this.wake())),
    );
    this.wake();
    await this.running;
    return this;
  }

  /** Runs a pass now (or right after the one in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    let sleepMs = this.intervalMs;
    this.running = this.pass()
      .then((ms) => {
        sleepMs = ms;
      })
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), sleepMs);
      });
  }

  /** Stops the loop; resolves when the pass in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = [];
    await Promise.all(unlisten.map((u) => u().catch(() => {})));
    await this.running;
  }

  /** One pass; resolves with how long to sleep before the next. */
  private async pass(): Promise<number> {
    const fired: FiredTick[] = [];
    const handled: HandledFailure[] = [];
    let failed = false;
    try {
      let probe = await this.probe();
      if (probe.dueInMs !== null && probe.dueInMs <= 0) {
        const report = await this.queue.fireDueSchedules();
        fired.push(...report.fired);
        for (const e of report.errors) this.options.onError?.(e.error);
        failed = report.errors.length > 0;
      }
      if (probe.failuresPending) handled.push(...(await this.queue.pushFailureHandlerJobs()));
      if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
        this.prunedAt = Date.now();
        await this.queue.db.query(PRUNE_PROVENANCE);
      }
      // after firing, the earliest tick has moved on: read it again
      if (probe.dueInMs !== null && probe.dueInMs <= 0) probe = await this.probe();
      if (fired.length > 0 || handled.length > 0) this.options.onPass?.({ fired, handled });
      return this.sleepFor(probe.dueInMs, fired.length > 0 && !failed);
    } catch (err) {
      this.options.onError?.(err as Error);
      return Math.min(RETRY_MS, this.intervalMs);
    }
  }

  private async probe(): Promise<{ dueInMs: number | null; failuresPending: boolean }> {
    const { rows } = await this.queue.db.query<Probe>(SCHEDULER_PROBE);
    const dueInMs = rows[0].due_in_ms === null ? null : Number(rows[0].due_in_ms);
    return { dueInMs, failuresPending: rows[0].failures_pending };
  }

  private sleepFor(dueInMs: number | null, firedAll: boolean): number {
    if (dueInMs === null) return this.intervalMs;
    // still due after firing: more than one batch was due (go on now) or one could not fire (retry soon)
    if (dueInMs <= 0) return firedAll ? 0 : Math.min(RETRY_MS, this.intervalMs);
    return Math.min(dueInMs + Math.random() * this.jitterMs, this.intervalMs);
  }
}
