import type { Db, Unlisten } from '@millrace/db';
import { ENDED_JOBS, RETRIED_ATTEMPTS } from './sql/job-events';
import type { JobError } from './types';

export type JobEventType = 'completed' | 'failed' | 'retried' | 'canceled';

export interface JobEvent {
  type: JobEventType;
  id: string;
  path: string;
  tag: string;
  /** the attempt that ended (for 'retried': the one that failed or was lost) */
  attempt: number;
  worker: string | null;
  error: JobError | null;
  /** 'completed' only */
  result?: unknown;
  /** 'retried' only: 'failure' (it threw, attempts left) or 'lost' (its worker died) */
  attemptStatus?: 'failure' | 'lost';
}

type Listener = (event: JobEvent) => void;

/** The fields every event has, from a row of ENDED_JOBS or RETRIED_ATTEMPTS. */
function toEvent(type: JobEventType, r: Record<string, unknown>): JobEvent {
  return {
    type,
    id: r.id as string,
    path: r.path as string,
    tag: r.tag as string,
    attempt: Number(r.attempt),
    worker: (r.worker as string) ?? null,
    error: (r.error as JobError) ?? null,
  };
}

const TYPE_OF: Record<string, JobEventType> = {
  success: 'completed',
  failure: 'failed',
  canceled: 'canceled',
};

/**
 * Job events for a host, fed by the notifications the queue already sends: `millrace_done` (a
 * statement ended these jobs) and `millrace_retried` (migration 0008). Delivery is at most once
 * and only while this subscription is connected: a notification sent while the connection is
 * down, or before `queue.events()` resolved, is not replayed. Nothing is stored; for a durable
 * record read the jobs (`queue.list`). Events of one notification arrive in id order; handling
 * is serialised, so a listener never sees two events at once.
 */
export class JobEvents {
  private readonly listeners = new Map<JobEventType, Set<Listener>>();
  private readonly errorListeners = new Set<(err: Error) => void>();
  private unlisten: Unlisten[] = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<JobEvents> {
    const events = new JobEvents(db);
    events.unlisten = await Promise.all([
      db.listen('millrace_done', (payload) => events.enqueue(() => events.ended(payload))),
      db.listen('millrace_retried', (payload) => events.enqueue(() => events.retried(payload))),
    ]);
    return events;
  }

  on(type: JobEventType, fn: Listener): this {
    const set = this.listeners.get(type) ?? new Set();
    set.add(fn);
    this.listeners.set(type, set);
    return this;
  }

  off(type: JobEventType, fn: Listener): this {
    this.listeners.get(type)?.delete(fn);
    return this;
  }

  /** Reading a notification's jobs failed (the events of that notification are lost). */
  onError(fn: (err: Error) => void): this {
    this.errorListeners.add(fn);
    return this;
  }

  /** Stops listening; resolves once events already being read are delivered. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.unlisten.map((u) => u().catch(() => {})));
    await this.chain;
  }

  private enqueue(task: () => Promise<void>): void {
    if (this.closed) return;
    this.chain = this.chain.then(task).catch((err) => {
      for (const fn of this.errorListeners) fn(err as Error);
    });
  }

  private wanted(...types: JobEventType[]): boolean {
    return types.some((t) => (this.listeners.get(t)?.size ?? 0) > 0);
  }

  private async ended(payload: string): Promise<void> {
    if (!this.wanted('completed', 'failed', 'canceled')) return;
    const ids = payload.split(',').filter((s) => /^\d+$/.test(s));
    const { rows } = await this.db.query<Record<string, unknown>>(ENDED_JOBS, [ids]);
    for (const r of rows) {
      const type = TYPE_OF[r.status as string];
      if (!type) continue;
      const event = toEvent(type, r);
      if (type === 'completed') event.result = r.result;
      this.emit(event);
    }
  }

  private async retried(payload: string): Promise<void> {
    if (!this.wanted('retried')) return;
    const [id, attempt] = payload.split(':');
    const { rows } = await this.db.query<Record<string, unknown>>(RETRIED_ATTEMPTS, [
      [id],
      [Number(attempt)],
    ]);
    for (const r of rows) {
      const event = toEvent('retried', r);
      event.attemptStatus = r.attempt_status as 'failure' | 'lost';
      this.emit(event);
    }
  }

  private emit(event: JobEvent): void {
    for (const fn of this.listeners.get(event.type) ?? []) {
      try {
        fn(event);
      } catch {
        // a throwing listener must not stop delivery to the others
      }
    }
  }
}
