import type { Db, Queryable } from '@millrace/db';
import { InvalidScheduleError, ScheduleNotFoundError, ScriptNotFoundError } from './errors';
import { cronTicks } from './schedule-cron';
import * as sql from './schedule-sql';
import type { CatchUp, Schedule, ScheduleInput } from './schedule-types';
import { NOTIFY, SCRIPT_EXISTS } from './sql';

/**
 * Schedule definitions. A schedule's next tick is set here whenever its timing changes (created,
 * cron or timezone changed, re-enabled): the first tick after now, so a new or re-enabled schedule
 * never fires for a tick from before it existed. The queue's schedulers fire it from there.
 */

interface ScheduleRow {
  name: string;
  path: string;
  cron: string;
  timezone: string;
  args: Record<string, unknown>;
  enabled: boolean;
  catch_up: CatchUp;
  next_tick: Date | string | null;
  last_tick: Date | string | null;
  last_job_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

function toSchedule(r: ScheduleRow): Schedule {
  return {
    name: r.name,
    path: r.path,
    cron: r.cron,
    timezone: r.timezone,
    args: r.args,
    enabled: r.enabled,
    catchUp: r.catch_up,
    nextTick: r.next_tick === null ? null : date(r.next_tick),
    lastTick: r.last_tick === null ? null : date(r.last_tick),
    lastJobId: r.last_job_id,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

/** Upserts `name` with a validated input; fields absent from it keep their value (path and cron are required to create). */
export async function setSchedule(db: Db, name: string, input: ScheduleInput): Promise<Schedule> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<ScheduleRow>(sql.LOCK_SCHEDULE, [name]);
    const current = rows[0] ? toSchedule(rows[0]) : null;
    const path = input.path ?? current?.path;
    const cron = input.cron ?? current?.cron;
    if (path === undefined || cron === undefined)
      throw new InvalidScheduleError([
        `schedule ${name} does not exist: path and cron are required to create it`,
      ]);
    const timezone = input.timezone ?? current?.timezone ?? 'UTC';
    const enabled = input.enabled ?? current?.enabled ?? true;
    let ticks: ReturnType<typeof cronTicks>;
    try {
      ticks = cronTicks(cron, timezone);
    } catch (err) {
      throw new InvalidScheduleError([`cron: ${(err as Error).message}`]);
    }
    if (input.path !== undefined && (await tx.query(SCRIPT_EXISTS, [path])).rows.length === 0)
      throw new ScriptNotFoundError(path, `path of schedule ${name}`);

    const retimed =
      current === null ||
      current.cron !== cron ||
      current.timezone !== timezone ||
      (enabled && !current.enabled);
    let nextTick = current?.nextTick ?? null;
    if (!enabled) nextTick = null;
    else if (retimed || nextTick === null) nextTick = ticks.next(await dbNow(tx));
    const updated = await tx.query<ScheduleRow>(sql.UPSERT_SCHEDULE, [
      name,
      path,
      cron,
      timezone,
      JSON.stringify(input.args ?? current?.args ?? {}),
      enabled,
      input.catchUp ?? current?.catchUp ?? 'one',
      nextTick,
    ]);
    await tx.query(NOTIFY, [sql.SCHEDULES_CHANNEL, name]);
    return toSchedule(updated.rows[0]);
  });
}

export async function getSchedule(db: Db, name: string): Promise<Schedule> {
  const { rows } = await db.query<ScheduleRow>(sql.SELECT_SCHEDULE, [name]);
  if (!rows[0]) throw new ScheduleNotFoundError(name);
  return toSchedule(rows[0]);
}

export async function listSchedules(db: Db): Promise<Schedule[]> {
  const { rows } = await db.query<ScheduleRow>(sql.LIST_SCHEDULES);
  return rows.map(toSchedule);
}

export async function deleteSchedule(db: Db, name: string): Promise<void> {
  const { rows } = await db.query<{ n: number }>(sql.DELETE_SCHEDULE, [name]);
  if (rows[0].n === 0) throw new ScheduleNotFoundError(name);
}

async function dbNow(q: Queryable): Promise<Date> {
  const { rows } = await q.query<{ now: Date | string }>(sql.NOW);
  return date(rows[0].now);
}
