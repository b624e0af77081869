import type { ClaimedJob } from '@millrace/queue';
import type { Capacity } from './executor';

/** A job this worker has claimed and not yet seen written as finished. */
export interface HeldJob {
  job: ClaimedJob;
  abort: AbortController;
  /** reaped from under us: its result would be refused, so it is not reported */
  lost: boolean;
  /** handed to the executor */
  started: boolean;
  /** handed beyond the free slots: the executor holds it and starts it when a slot frees */
  ahead: boolean;
  /** the executor's capacity key for it, when it reported one (see `next`) */
  key: string | undefined;
  /** known to have begun: handed to a free slot, or the executor said it started (onStart) */
  begun: boolean;
  /** its run is over (the executor gave an outcome) */
  ended: boolean;
  /** aborted by a stopping worker: unless it succeeded, it is given back to the queue, not completed */
  givenBack: boolean;
  /** its cancel was requested: it ends canceled, whatever else happens */
  cancelRequested: boolean;
  logSeq: number;
  logBytes: number;
  logCapped: boolean;
}

/**
 * The worker's claimed jobs: those waiting for a slot (prefetched) and those running. Prefetching
 * a few jobs lets the next one start the moment a slot frees, without a database round trip; how
 * many is adapted to how long jobs take, so a slow job never hoards work other workers could do.
 */
export class HeldJobs {
  readonly byId = new Map<string, HeldJob>();
  private readonly waiting: HeldJob[] = [];
  /** handed to the executor and not yet ended: running, or held by it to start next */
  running = 0;
  /** of those, how many per capacity key */
  private readonly runningByKey = new Map<string, number>();
  // start optimistic: a slow script corrects this within a few jobs, a fast one needs no ramp
  private avgJobMs = 5;

  constructor(
    private readonly concurrency: () => number,
    /** how much claimed-but-waiting work to keep, in milliseconds of job time */
    private readonly prefetchMs = 50,
    private readonly maxPrefetch = 1000,
  ) {}

  /** How many more jobs to claim now. */
  freeSlots(): number {
    // `prefetchMs` of the worker's work: `concurrency` jobs end every `avgJobMs`. (Sized without
    // the concurrency, 100 ms jobs at concurrency 10 got one spare job for ten slots that end
    // together, and the rest waited for claims one round trip at a time: 5 ms a job.)
    const prefetch = Math.min(
      this.maxPrefetch,
      Math.max(1, Math.ceil((this.prefetchMs * this.concurrency()) / Math.max(this.avgJobMs, 0.001))),
    );
    // Jobs that ran and only wait for their completion to be written do not count: claiming the
    // next batch overlaps with writing the last one (the Completer bounds that backlog itself).
    // Claim once half the prefetch is used up, not per freed slot: fewer, bigger claims. (Half of
    // slots + prefetch was too late for slow jobs: the spare jobs ran out and slots waited for a
    // claim round trip; 100 ms jobs at concurrency 10, in-host handlers: 1.2 → 0.2 ms idle slot
    // time a job.) And never leave a slot idle with nothing waiting for it.
    const target = this.concurrency() + prefetch;
    const have = this.waiting.length + this.running;
    const slotIdle = this.running < this.concurrency() && this.waiting.length === 0;
    return have <= this.concurrency() + prefetch / 2 || slotIdle ? target - have : 0;
  }

  add(job: ClaimedJob): void {
    const held: HeldJob = {
      job,
      abort: new AbortController(),
      lost: false,
      started: false,
      ahead: false,
      key: undefined,
      begun: false,
      ended: false,
      givenBack: false,
      cancelRequested: false,
      logSeq: 0,
      logBytes: 0,
      logCapped: false,
    };
    this.byId.set(job.id, held);
    this.waiting.push(held);
  }

  /**
   * The next job to hand to the executor: while one of the worker's `concurrency` slots is free, or
   * beyond them while the executor's `capacity` for the job allows it — every job handed and not
   * ended shares the job's key (so nothing else competes for the executor's slots), the executor
   * runs no more of them at once than `concurrency`, and it holds fewer than it accepts. Then the
   * worker never runs more than `concurrency` jobs at once, whoever starts them.
   */
  next(capacity?: (job: ClaimedJob) => Capacity | undefined): HeldJob | undefined {
    for (;;) {
      const held = this.waiting[0];
      if (!held) return undefined;
      if (held.lost) {
        this.waiting.shift();
        continue;
      }
      const slots = this.concurrency();
      const cap = capacity?.(held.job);
      const ahead = this.running >= slots;
      if (ahead && !this.takesAhead(cap, slots)) return undefined;
      this.waiting.shift();
      held.started = true;
      held.ahead = ahead;
      held.begun = !ahead;
      held.key = cap?.key;
      this.running++;
      if (cap !== undefined) this.runningByKey.set(cap.key, (this.runningByKey.get(cap.key) ?? 0) + 1);
      return held;
    }
  }

  private takesAhead(cap: Capacity | undefined, slots: number): boolean {
    if (cap === undefined || cap.runs > slots || this.running >= cap.holds) return false;
    return this.runningByKey.get(cap.key) === this.running;
  }

  /** Removes a job that never started (lost or canceled while waiting). */
  dropWaiting(id: string): HeldJob | undefined {
    const i = this.waiting.findIndex((h) => h.job.id === id);
    if (i < 0) return undefined;
    const [held] = this.waiting.splice(i, 1);
    return held;
  }

  /** A job handed to the executor ended after `ms` of run time. */
  finished(held: HeldJob, ms: number): void {
    this.running--;
    if (held.key !== undefined) {
      const left = (this.runningByKey.get(held.key) ?? 1) - 1;
      if (left > 0) this.runningByKey.set(held.key, left);
      else this.runningByKey.delete(held.key);
    }
    // exponentially weighted: reacts within a few dozen jobs when the script changes pace
    this.avgJobMs = this.avgJobMs * 0.9 + ms * 0.1;
  }

  release(id: string): void {
    this.byId.delete(id);
  }

  tokens(): { id: string; token: string }[] {
    return [...this.byId.values()].map((h) => ({ id: h.job.id, token: h.job.token }));
  }

  get size(): number {
    return this.byId.size;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Jobs handed to the executor whose run is not over, in the order they were claimed. */
  inExecutor(): HeldJob[] {
    return [...this.byId.values()].filter((h) => h.started && !h.ended);
  }

  /** Gives back every job still waiting (the worker is stopping or changing executor). */
  takeWaiting(): HeldJob[] {
    return this.waiting.splice(0);
  }
}
