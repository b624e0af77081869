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
 *
 * Pings go over a connection of their own (`db.ownConnection()`): a late ping gets this worker's
 * jobs reaped and run twice, so it must never wait for a pool slot behind claims, completions,
 * history upkeep or the scheduler loop (docs/schedules.md#who-fires-ticks). Reaps, which only get
 * slower, stay on the pool, one at a time.
 */
export class Heartbeat {
  private pingTimer: NodeJS.Timeout | null = null;
  private reapTimer: NodeJS.Timeout | null = null;
  private unlisten: Unlisten | null = null;
  private inFlight: Promise<void> | null = null;
  private reaping: Promise<void> | null = null;
  private connection: Db | null = null;
  private pinger: Queue;

  constructor(private readonly options: HeartbeatOptions) {
    this.pinger = options.queue;
  }

  async start(): Promise<void> {
    const { db } = this.options;
    this.connection = db.ownConnection();
    this.pinger = this.options.queue.onConnection(this.connection);
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
        const report = await this.pinger.heartbeat(
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

  reap(): Promise<void> {
    this.reaping ??= (async () => {
      try {
        await this.options.queue.reapZombies({ staleAfterMs: this.options.staleAfterMs ?? 30_000 });
      } catch (err) {
        this.options.onError?.(err);
      } finally {
        this.reaping = null;
      }
    })();
    return this.reaping;
  }

  async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.reapTimer) clearInterval(this.reapTimer);
    this.pingTimer = this.reapTimer = null;
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    await Promise.all([this.inFlight, this.reaping]);
    await this.connection?.close();
    this.connection = null;
    this.pinger = this.options.queue;
  }
}
