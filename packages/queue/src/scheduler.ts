import type { Unlisten } from '@millrace/db';
import type { HandledFailure } from './failure-handler-jobs';
import type { Queue } from './queue';
import type { FiredTick } from './schedule-firing';
import { PRUNE_PROVENANCE } from './sql/schedules';

export interface SchedulerOptions {
  /** how often due schedules are looked for (default 1000 ms); also the fallback for lost failure notifications */
  intervalMs?: number;
  /** called with what each pass did (for logs); errors of a pass go to `onError` */
  onPass?: (pass: { fired: FiredTick[]; handled: HandledFailure[] }) => void;
  onError?: (err: Error) => void;
}

const PRUNE_EVERY_PASSES = 600;

/**
 * The small loop every worker, server and `millrace dev` runs (docs/schedules.md#who-fires): each
 * pass fires due schedule ticks and pushes pending failure handler jobs. Any number of these may
 * run on one database; the database decides which one turns a tick or a failure into a job.
 * A failure NOTIFY wakes it at once; ticks wait for the next pass (at most `intervalMs` late).
 */
export class Scheduler {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private passes = 0;
  private unlisten: Unlisten | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly options: SchedulerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1_000;
  }

  async start(): Promise<this> {
    if (!this.stopped) return this;
    this.stopped = false;
    this.unlisten = await this.queue.db.listen('millrace_failures', () => this.wake());
    this.wake();
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
    this.running = this.pass().finally(() => {
      this.running = null;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else this.timer = setTimeout(() => this.wake(), this.intervalMs);
    });
  }

  /** Stops the loop; resolves when the pass in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.().catch(() => {});
    await this.running;
  }

  private async pass(): Promise<void> {
    try {
      const { fired, errors } = await this.queue.fireDueSchedules();
      for (const e of errors) this.options.onError?.(e.error);
      const handled = await this.queue.pushFailureHandlerJobs();
      if (++this.passes % PRUNE_EVERY_PASSES === 0) await this.queue.db.query(PRUNE_PROVENANCE);
      if (fired.length > 0 || handled.length > 0) this.options.onPass?.({ fired, handled });
    } catch (err) {
      this.options.onError?.(err as Error);
    }
  }
}
