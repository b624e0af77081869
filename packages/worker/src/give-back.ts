import type { Queue } from '@millrace/queue';
import type { HeldJob } from './held-jobs';

export interface GiveBackCounts {
  /** never started: back in the queue, the attempt not counted */
  released: number;
  /** interrupted by the stop: back in the queue as a lost attempt (or failed past the lost-attempt limit) */
  abandoned: number;
  /** the database could not be told: these wait for the reaper */
  unwritten: number;
}

export interface GiveBackOptions {
  queue: Queue;
  /** recorded on each abandoned attempt */
  message: () => string;
  /** the jobs are no longer this worker's (written, or given up) */
  onDone: (jobs: HeldJob[]) => void;
  onError?: (err: unknown) => void;
}

/**
 * Hands back the jobs a stopping worker will not finish, batched per turn of the event loop, so
 * nothing waits for the reaper: a job that never started is released (`queue.release`), one the
 * stop interrupted is abandoned (`queue.abandon`: a lost attempt, re-queued at once).
 */
export class GiveBack {
  readonly counts: GiveBackCounts = { released: 0, abandoned: 0, unwritten: 0 };
  private releasing: HeldJob[] = [];
  private abandoning: HeldJob[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly o: GiveBackOptions) {}

  add(held: HeldJob, how: 'release' | 'abandon'): void {
    (how === 'release' ? this.releasing : this.abandoning).push(held);
    this.kick();
  }

  /** Resolves once everything added so far is written (or given up). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private kick(): void {
    this.writing ??= (async () => {
      await new Promise((resolve) => setImmediate(resolve)); // one statement for a turn's worth
      while (this.releasing.length > 0 || this.abandoning.length > 0) await this.write();
    })().finally(() => {
      this.writing = null;
      if (this.releasing.length > 0 || this.abandoning.length > 0) this.kick();
    });
  }

  private async write(): Promise<void> {
    const release = this.releasing.splice(0);
    const abandon = this.abandoning.splice(0);
    const tokens = (jobs: HeldJob[]) => jobs.map((h) => ({ id: h.job.id, token: h.job.token }));
    const [released, abandoned] = await Promise.allSettled([
      this.o.queue.release(tokens(release)),
      this.o.queue.abandon(tokens(abandon), this.o.message()),
    ]);
    for (const [result, jobs, key] of [
      [released, release, 'released'],
      [abandoned, abandon, 'abandoned'],
    ] as const) {
      if (result.status === 'fulfilled') this.counts[key] += jobs.length;
      else {
        this.counts.unwritten += jobs.length;
        this.o.onError?.(result.reason);
      }
    }
    this.o.onDone([...release, ...abandon]);
  }
}
