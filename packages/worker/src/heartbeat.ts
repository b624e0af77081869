import type { Db, Unlisten } from '@millrace/db';
import { CANCEL_CHANNEL, type HeartbeatReport, type Queue } from '@millrace/queue';

export interface HeartbeatOptions {
  queue: Queue;
  db: Db;
  worker: string;
  /** the jobs this worker holds, with their claim tokens */
  held: () => { id: string; token: string }[];
  jobsDone: () => number;
  onReport: (report: HeartbeatReport) => void;
  onError?: (err: unknown) => void;
  /** default 2000 ms */
  pingMs?: number;
  /** how often this worker also reaps other workers' zombies (default 10 s; 0 = never) */
  reapEveryMs?: number;
  /** a running job whose last ping is older than this is a zombie (default 30 s) */
  staleAfterMs?: number;
}

/**
 * Keeps the worker and its jobs visibly alive, and brings back cancel requests and lost claims.
 * A NOTIFY on `millrace_cancel` naming a held job triggers a ping at once, so a cancel lands in
 * milliseconds rather than at the next tick. Every worker also reaps zombies now and then: the
 * reap statement skips locked rows, so many reapers at once are harmless.
 */
export class Heartbeat {
  private pingTimer: NodeJS.Timeout | null = null;
  private reapTimer: NodeJS.Timeout | null = null;
  private unlisten: Unlisten | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly options: HeartbeatOptions) {}

  async start(): Promise<void> {
    const { db } = this.options;
    this.unlisten = await db.listen(CANCEL_CHANNEL, (id) => {
      if (this.options.held().some((j) => j.id === id)) void this.ping();
    });
    this.pingTimer = setInterval(() => void this.ping(), this.options.pingMs ?? 2_000);
    const reapEveryMs = this.options.reapEveryMs ?? 10_000;
    if (reapEveryMs > 0) this.reapTimer = setInterval(() => void this.reap(), reapEveryMs);
  }

  ping(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        const report = await this.options.queue.heartbeat(
          this.options.worker,
          this.options.held(),
          this.options.jobsDone(),
        );
        if (report.canceled.length > 0 || report.lost.length > 0) this.options.onReport(report);
      } catch (err) {
        this.options.onError?.(err);
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  async reap(): Promise<void> {
    try {
      await this.options.queue.reapZombies({ staleAfterMs: this.options.staleAfterMs ?? 30_000 });
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.reapTimer) clearInterval(this.reapTimer);
    this.pingTimer = this.reapTimer = null;
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    await this.inFlight;
  }
}
