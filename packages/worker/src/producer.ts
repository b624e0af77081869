import type { Db, Unlisten } from '@millrace/db';
import { type ClaimedJob, JOBS_CHANNEL, type Queue } from '@millrace/queue';

export interface ProducerOptions {
  queue: Queue;
  db: Db;
  worker: string;
  /** how many more jobs the worker can take right now */
  freeSlots: () => number;
  onJobs: (jobs: ClaimedJob[]) => void;
  onError?: (err: unknown) => void;
  /** called before the next claim after a failed one: a claim may have committed with its reply lost */
  releaseOrphans?: () => Promise<void>;
  /** fallback poll when no NOTIFY arrives: catches retries coming due and lost notifications (default 1000 ms) */
  pollMs?: number;
}

const MAX_CLAIM = 1000;

/**
 * Claims jobs for the worker's tags, never more than it has free slots for. It sleeps until a
 * NOTIFY names one of its tags, a slot frees up, or the fallback poll fires — never busy-polls.
 * At most one claim is in flight; completions arriving meanwhile add up to a bigger next claim.
 * It claims only when there may be work it has not looked for: a NOTIFY since the last claim was
 * sent (also one that came while no slot was free, or during that claim), a last claim that came
 * back full, a poll, a new set of tags. A freed slot alone does not claim: an idle worker's claim
 * after each job found nothing, and a NOTIFY arriving meanwhile waited for it to come back first.
 */
export class Producer {
  private tags: string[] = [];
  private running = false;
  private woken = false;
  /** a job may be waiting that no claim has looked for yet */
  private workMayWait = true;
  /** performance.now() when the last claim was sent: the poll counts from it, not from a wake-up */
  private lookedAt = 0;
  private wakeUp: (() => void) | null = null;
  private unlisten: Unlisten | null = null;
  private loop: Promise<void> | null = null;
  private failures = 0;

  constructor(private readonly options: ProducerOptions) {}

  async start(tags: string[]): Promise<void> {
    this.tags = tags;
    this.running = true;
    this.unlisten = await this.options.db.listen(JOBS_CHANNEL, (tag) => {
      if (this.tags.includes(tag)) this.lookAgain();
    });
    this.loop = this.run();
  }

  setTags(tags: string[]): void {
    this.tags = tags;
    this.lookAgain();
  }

  /** A job may be waiting (a NOTIFY, new tags): claim as soon as a slot is free. */
  lookAgain(): void {
    this.workMayWait = true;
    this.wake();
  }

  /** Room may have freed (a job ended, writes work again): claim now if work may be waiting. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1_000;
    while (this.running) {
      this.woken = false;
      // the poll looks anyway (retries coming due, scheduled jobs, a lost NOTIFY), even on a worker
      // whose slots free up more often than pollMs
      if (performance.now() - this.lookedAt >= pollMs) this.workMayWait = true;
      const free = Math.min(this.options.freeSlots(), MAX_CLAIM);
      if (free > 0 && this.tags.length > 0 && this.workMayWait) {
        // cleared before the claim is sent: a NOTIFY that arrives during it sets it again
        this.workMayWait = false;
        this.lookedAt = performance.now();
        try {
          if (this.failures > 0) await this.options.releaseOrphans?.();
          const jobs = await this.options.queue.claim(this.options.worker, this.tags, free);
          this.failures = 0;
          if (jobs.length > 0) this.options.onJobs(jobs);
          if (jobs.length === free) {
            this.workMayWait = true; // probably more waiting
            continue;
          }
        } catch (err) {
          this.failures++;
          this.workMayWait = true;
          this.options.onError?.(err);
          await this.sleep(Math.min(100 * 2 ** this.failures, 5_000));
          continue;
        }
      }
      // until woken, or the next poll is due (with no free slot, a wake-up is what can change that)
      const untilPoll = pollMs - (performance.now() - this.lookedAt);
      await this.sleep(free > 0 ? Math.max(1, untilPoll) : pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
