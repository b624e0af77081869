import type { Db } from '@millrace/db';
import { type CatchUp, cronTicks } from '@millrace/settings';
import { isMissingRange } from './history';
import { insertJobs, type PushContext } from './push';
import { ADVANCE_SCHEDULE, DUE_SCHEDULES, RECORD_SCHEDULE_RUN } from './sql/schedules';

/** With catchUp 'skip', a tick seen later than this after it was due counts as missed. */
export const SKIP_GRACE_MS = 60_000;

export interface FiredTick {
  schedule: string;
  tick: Date;
  /** the job pushed; null when the tick was skipped (catchUp 'skip') */
  jobId: string | null;
}

export interface FireReport {
  fired: FiredTick[];
  /** schedules that could not fire (e.g. their script is gone); they are tried again next pass */
  errors: { schedule: string; error: Error }[];
}

interface DueRow {
  name: string;
  path: string;
  args: string;
  version: string;
  cron: string;
  timezone: string;
  catch_up: CatchUp;
  next_tick: Date | string;
  now: Date | string;
}

interface Decision {
  fire: boolean;
  next: Date | null;
}

/**
 * What to do with a due tick (docs/schedules.md#missed-ticks). A tick is missed when a later tick
 * is due too (or, for 'skip', when it is seen over SKIP_GRACE_MS late): 'one' runs one job for all
 * the missed ticks, recorded as the first of them, 'skip' runs none; both go on from the first
 * tick after now. A tick on time fires and the schedule moves to the tick after it.
 */
export function decideTick(
  cron: string,
  timezone: string,
  catchUp: CatchUp,
  tick: Date,
  now: Date,
): Decision {
  const ticks = cronTicks(cron, timezone);
  const following = ticks.next(tick);
  const missed = following !== null && following <= now;
  if (!missed) {
    const late = now.getTime() - tick.getTime() > SKIP_GRACE_MS;
    return { fire: catchUp === 'one' || !late, next: following };
  }
  return { fire: catchUp === 'one', next: ticks.next(now) };
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/**
 * Fires every due schedule once: each tick becomes a job in its own transaction, exactly once
 * however many schedulers run this at the same time (sql/schedules.ts).
 */
export async function fireDueSchedules(
  db: Db,
  ctx: PushContext,
  { now, limit = 100 }: { now?: Date; limit?: number } = {},
): Promise<FireReport> {
  const { rows } = await db.query<DueRow>(DUE_SCHEDULES, [now ?? null, limit]);
  const report: FireReport = { fired: [], errors: [] };
  for (const row of rows) {
    try {
      const fired = await fireTick(db, ctx, row).catch(async (err) => {
        if (!isMissingRange(err)) throw err;
        await ctx.history.ensureRanges();
        return fireTick(db, ctx, row);
      });
      if (fired) report.fired.push(fired);
    } catch (err) {
      report.errors.push({ schedule: row.name, error: err as Error });
    }
  }
  return report;
}

async function fireTick(db: Db, ctx: PushContext, row: DueRow): Promise<FiredTick | null> {
  const tick = asDate(row.next_tick);
  const { fire, next } = decideTick(row.cron, row.timezone, row.catch_up, tick, asDate(row.now));
  return db.transaction(async (tx) => {
    const advanced = await tx.query(ADVANCE_SCHEDULE, [row.name, tick, next, row.version, fire]);
    if (advanced.rows.length === 0) return null; // another scheduler took this tick
    if (!fire) return { schedule: row.name, tick, jobId: null };
    // the one push path: the script's limits (maxRunning, rate) hold for scheduled jobs too
    const [jobId] = await insertJobs(ctx, tx, true, [{ path: row.path, argsJson: row.args, options: {} }]);
    await tx.query(RECORD_SCHEDULE_RUN, [row.name, tick, jobId]);
    return { schedule: row.name, tick, jobId };
  });
}
