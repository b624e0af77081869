import { randomBytes } from 'node:crypto';
import type { Db } from '@millrace/db';
import { HistoryBusyError } from './errors';
import {
  ADD_RANGE,
  EXPIRE_WORKERS,
  FORGET_RANGE,
  HISTORY_STATE,
  HISTORY_TABLES,
  JUMP_SEQUENCE,
  PENDING_DETACHES,
  PRUNE_FLOW_KEYS,
  PRUNE_RATES,
  PURGE_FINISHED,
  RANGE_PARTITIONS,
  RANGE_STILL_NEEDED,
  RELEASE_LEASE,
  SEAL_FULL_RANGES,
  SEAL_RANGE,
  TAKE_LEASE,
} from './sql/history';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Ids per range: a range is normally ended by time (a day), long before it runs out of ids. */
export const RANGE_IDS = 10_000_000_000;
/** A new range is added ahead once the last one has fewer ids left than this. */
const HEADROOM_IDS = RANGE_IDS / 2;
/** The sequence jumps to a new range only while this many ids are left in the current one. */
const JUMP_MARGIN_IDS = 1_000_000;
const LEASE_MS = 5 * 60_000;
/** How long a push that found no range waits for another process's pass before giving up. */
const LEASE_WAIT_MS = 30_000;
const PURGE_BATCH = 10_000;
/** The throughput chart reads at most an hour back; per-second counters are kept a little longer. */
const RATE_KEEP_SECONDS = 2 * 3600;

export interface HistoryOptions {
  /** finished jobs (with logs and attempts) older than this are removed; 0 keeps them forever (default 30 days) */
  retentionMs?: number;
  /**
   * how long one id range takes pushes before the next one starts (default: a tenth of the
   * retention, between 1 hour and 30 days; 30 days when history is kept forever)
   */
  rangeMs?: number;
  /** a worker row not alive is removed this long after its last ping (default: 1 day, or the retention when shorter) */
  workerRetentionMs?: number;
  /** a worker without a ping for this long is not alive (default 30 s) */
  workerLiveMs?: number;
}

export interface MaintenanceReport {
  /** false when another process held the lease: it did this pass */
  ran: boolean;
  rangesAdded: number;
  /** ranges dropped whole (their partitions detached and dropped) */
  rangesDropped: number;
  /** jobs deleted one by one from ranges that a live or recent job keeps */
  jobsPurged: number;
  workersExpired: number;
  /** limit rows of concurrency keys that no queued or running job used any more, deleted */
  flowKeysPruned: number;
}

/** The error PostgreSQL raises for a row whose id has no range partition yet. */
export function isMissingRange(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23514' && /no partition of relation/.test(e.message ?? '');
}

interface RangeRow {
  n: number;
  lo: number;
  hi: number;
  sealed: boolean;
  expired: boolean | null;
  firstJobMs: number | null;
}

/**
 * Keeps history bounded: new id ranges ahead of the job id sequence, a new range every `rangeMs`,
 * old ranges dropped whole once every job in them finished more than `retentionMs` ago (a range a
 * live job still holds has its old jobs deleted in batches instead), dead worker rows and old
 * per-second counters removed. One process at a time does a pass (a lease row); safe to call from
 * every worker and server. docs/history.md has the design and its measured costs.
 */
export class History {
  readonly retentionMs: number;
  readonly rangeMs: number;
  private readonly workerRetentionMs: number;
  private readonly workerLiveMs: number;
  private readonly holder = `history-${process.pid}-${randomBytes(4).toString('hex')}`;
  private ensuring: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    options: HistoryOptions = {},
  ) {
    this.retentionMs = Math.max(0, options.retentionMs ?? 30 * DAY_MS);
    this.rangeMs =
      options.rangeMs ?? (this.retentionMs > 0 ? Math.min(DAY_MS, this.retentionMs / 4) : DAY_MS);
    this.workerRetentionMs =
      options.workerRetentionMs ?? (this.retentionMs > 0 ? Math.min(DAY_MS, this.retentionMs) : 0);
    this.workerLiveMs = options.workerLiveMs ?? 30_000;
  }

  /** One maintenance pass. */
  async maintain(): Promise<MaintenanceReport> {
    const report: MaintenanceReport = {
      ran: false,
      rangesAdded: 0,
      rangesDropped: 0,
      jobsPurged: 0,
      workersExpired: 0,
      flowKeysPruned: 0,
    };
    if (!(await this.takeLease())) return report;
    report.ran = true;
    try {
      await this.finishPendingDetaches();
      report.rangesAdded = await this.prepareRanges({ roll: false });
      if (this.retentionMs > 0) await this.expireRanges(report);
      if (this.workerRetentionMs > 0) {
        const { rowCount } = await this.db.query(EXPIRE_WORKERS, [this.workerLiveMs, this.workerRetentionMs]);
        report.workersExpired = rowCount;
      }
      await this.db.query(PRUNE_RATES, [RATE_KEEP_SECONDS]);
      const pruned = await this.db.query<{ n: number }>(PRUNE_FLOW_KEYS);
      report.flowKeysPruned = pruned.rows[0].n;
    } finally {
      await this.db.query(RELEASE_LEASE, [this.holder]).catch(() => {});
    }
    return report;
  }

  /**
   * Ends the current range now: new jobs go to a new one. Maintenance does it every `rangeMs`;
   * hosts and tests may call it to cut history at a point.
   */
  async startNewRange(): Promise<void> {
    await this.withLease(() => this.prepareRanges({ roll: true }));
  }

  /** Makes sure a range is ready for the next id (a push found none: maintenance has not run). */
  ensureRanges(): Promise<void> {
    this.ensuring ??= this.withLease(() => this.prepareRanges({ roll: false }))
      .then(() => {})
      .finally(() => {
        this.ensuring = null;
      });
    return this.ensuring;
  }

  /** Runs `maintain` now and every `everyMs` (default 60 s) until the returned stop is called. */
  start({ everyMs = 60_000, onError }: { everyMs?: number; onError?: (err: unknown) => void } = {}) {
    let running: Promise<unknown> | null = null;
    const tick = () => {
      running ??= this.maintain()
        .catch((err) => onError?.(err))
        .finally(() => {
          running = null;
        });
    };
    tick();
    const timer = setInterval(tick, everyMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  private async takeLease(): Promise<boolean> {
    const { rows } = await this.db.query(TAKE_LEASE, [this.holder, LEASE_MS]);
    return rows.length > 0;
  }

  /** Runs `fn` holding the lease, waiting up to LEASE_WAIT_MS for another holder's pass to end. */
  private async withLease<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + LEASE_WAIT_MS;
    while (!(await this.takeLease())) {
      if (Date.now() > deadline) throw new HistoryBusyError(LEASE_WAIT_MS);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      return await fn();
    } finally {
      await this.db.query(RELEASE_LEASE, [this.holder]).catch(() => {});
    }
  }

  private async state(): Promise<{ ranges: RangeRow[]; lastId: number; nowMs: number }> {
    const { rows } = await this.db.query<Record<string, unknown>>(HISTORY_STATE, [this.retentionMs]);
    return {
      ranges: rows.map((r) => ({
        n: Number(r.n),
        lo: Number(r.lo),
        hi: Number(r.hi),
        sealed: Boolean(r.sealed),
        expired: r.expired as boolean | null,
        firstJobMs: r.first_job_ms == null ? null : Number(r.first_job_ms),
      })),
      lastId: Number(rows[0]?.last_id ?? 0),
      nowMs: Number(rows[0]?.now_ms ?? Date.now()),
    };
  }

  /** Seals full ranges, starts a new range when the current one is `rangeMs` old (or `roll`), keeps one ahead. */
  private async prepareRanges({ roll }: { roll: boolean }): Promise<number> {
    let added = 0;
    let { ranges, lastId, nowMs } = await this.state();
    await this.db.query(SEAL_FULL_RANGES, [lastId]);
    const next = lastId + 1;
    const current = ranges.find((r) => r.lo <= next && next < r.hi);
    const old = current?.firstJobMs != null && nowMs - current.firstJobMs >= this.rangeMs;
    if (current && (roll || old) && current.hi - lastId > JUMP_MARGIN_IDS) {
      let ahead = ranges.find((r) => r.lo === current.hi);
      if (!ahead) {
        await this.addRange(current.hi + RANGE_IDS);
        added++;
        ({ ranges } = await this.state());
        ahead = ranges.find((r) => r.lo === current.hi);
      }
      if (ahead) {
        const { rows } = await this.db.query(JUMP_SEQUENCE, [ahead.lo - 1, JUMP_MARGIN_IDS]);
        if (rows.length > 0) await this.db.query(SEAL_RANGE, [current.n]);
        ({ ranges, lastId } = await this.state());
      }
    }
    const last = ranges.at(-1);
    if (!last || last.hi - (lastId + 1) < HEADROOM_IDS) {
      await this.addRange((last?.hi ?? 0) + RANGE_IDS);
      added++;
    }
    return added;
  }

  private async addRange(hi: number): Promise<void> {
    await this.db.query(ADD_RANGE, [hi]);
  }

  /** Drops or purges sealed ranges whose seal is older than the retention, oldest first. */
  private async expireRanges(report: MaintenanceReport): Promise<void> {
    const { ranges } = await this.state();
    for (const range of ranges) {
      if (!range.sealed || !range.expired) continue;
      const { rows } = await this.db.query<{ live: boolean; recent: boolean }>(RANGE_STILL_NEEDED, [
        range.lo,
        range.hi,
        this.retentionMs,
      ]);
      if (!rows[0].live && !rows[0].recent) {
        await this.dropRange(range.n);
        report.rangesDropped++;
        continue;
      }
      for (;;) {
        const { rows: purged } = await this.db.query<{ n: number }>(PURGE_FINISHED, [
          range.lo,
          range.hi,
          this.retentionMs,
          PURGE_BATCH,
        ]);
        report.jobsPurged += Number(purged[0].n);
        if (Number(purged[0].n) < PURGE_BATCH) break;
      }
    }
  }

  /**
   * Removes range n's four partitions. On PostgreSQL each is detached CONCURRENTLY first, which
   * never blocks pushes, claims or completions; dropping a detached table touches no one else.
   * Idempotent: a pass interrupted half way is finished by the next one.
   */
  private async dropRange(n: number): Promise<void> {
    const names = HISTORY_TABLES.map((t) => `${t}_r${n}`);
    const { rows } = await this.db.query<{ name: string; present: boolean; attached: boolean }>(
      RANGE_PARTITIONS,
      [names],
    );
    for (const [i, table] of HISTORY_TABLES.entries()) {
      const row = rows.find((r) => r.name === names[i]);
      if (!row?.present) continue;
      // identifiers from the fixed table list and an integer range number, never from input
      if (row.attached && this.db.driver === 'postgres') {
        await this.db.query(
          `ALTER TABLE millrace.${table} DETACH PARTITION millrace.${names[i]} CONCURRENTLY`,
        );
      }
      await this.db.query(`DROP TABLE millrace.${names[i]}`);
    }
    await this.db.query(FORGET_RANGE, [n]);
  }

  private async finishPendingDetaches(): Promise<void> {
    if (this.db.driver !== 'postgres') return;
    const { rows } = await this.db.query<{ parent: string; name: string }>(PENDING_DETACHES);
    for (const { parent, name } of rows) {
      if (!/^[a-z_]+$/.test(parent) || !/^[a-z_]+_r\d+$/.test(name)) continue;
      await this.db.query(`ALTER TABLE millrace.${parent} DETACH PARTITION millrace.${name} FINALIZE`);
    }
  }
}
