import type { Db, Unlisten } from '@millrace/db';
import { DONE_CHANNEL } from './channels';

/**
 * Wakes `wait()` callers when their job finishes. One LISTEN on `millrace_done` serves every
 * waiter of this Queue; it is dropped when the last waiter leaves, so an idle Queue holds nothing.
 * A slow poll (every `pollMs`) covers notifications lost while the listening connection was being
 * re-established.
 */
export class JobWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscription: Promise<Unlisten> | null = null;

  constructor(
    private readonly db: Db,
    private readonly pollMs = 1_000,
  ) {
    if (!(pollMs > 0)) throw new RangeError(`waitPollMs must be a positive number of ms, got ${pollMs}`);
  }

  /** Resolves when `isDone()` is true, re-checking on each notification naming `id`; null on timeout. */
  async until<T>(id: string, isDone: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
    let wake: () => void = () => {};
    const woken = () => wake();
    this.add(id, woken);
    try {
      await this.subscription;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const done = await isDone();
        if (done !== null) return done;
        const left = deadline - Date.now();
        if (left <= 0) return null;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, this.pollMs));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      this.remove(id, woken);
    }
  }

  private add(id: string, fn: () => void): void {
    const set = this.waiters.get(id) ?? new Set();
    this.waiters.set(id, set);
    set.add(fn);
    this.subscription ??= this.db.listen(DONE_CHANNEL, (payload) => {
      for (const doneId of payload.split(',')) for (const wake of this.waiters.get(doneId) ?? []) wake();
    });
  }

  private remove(id: string, fn: () => void): void {
    const set = this.waiters.get(id);
    set?.delete(fn);
    if (set?.size === 0) this.waiters.delete(id);
    if (this.waiters.size === 0 && this.subscription) {
      const subscription = this.subscription;
      this.subscription = null;
      void subscription.then((unlisten) => unlisten()).catch(() => {});
    }
  }
}
