/** SQL of schedules and failure handlers (definitions). Firing them is the queue's (queue/src/sql/schedules.ts). */

const SCHEDULE_COLUMNS = `name, path, cron, timezone, args, enabled, catch_up, next_tick, last_tick,
  last_job_id::text AS last_job_id, created_at, updated_at`;

/** $1 name. Locks the schedule row (if any) for a read-modify-write. */
export const LOCK_SCHEDULE = `SELECT ${SCHEDULE_COLUMNS} FROM millrace.schedules WHERE name = $1 FOR UPDATE`;

/** $1 name, $2 path, $3 cron, $4 timezone, $5 args (json text), $6 enabled, $7 catch_up, $8 next_tick */
export const UPSERT_SCHEDULE = `
  INSERT INTO millrace.schedules (name, path, cron, timezone, args, enabled, catch_up, next_tick)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
  ON CONFLICT (name) DO UPDATE SET
    path = excluded.path, cron = excluded.cron, timezone = excluded.timezone, args = excluded.args,
    enabled = excluded.enabled, catch_up = excluded.catch_up, next_tick = excluded.next_tick, updated_at = now()
  RETURNING ${SCHEDULE_COLUMNS}`;

export const SELECT_SCHEDULE = `SELECT ${SCHEDULE_COLUMNS} FROM millrace.schedules WHERE name = $1`;

export const LIST_SCHEDULES = `SELECT ${SCHEDULE_COLUMNS} FROM millrace.schedules ORDER BY name`;

/** $1 name. Its schedule_runs rows stay: they still tell which schedule made the jobs it pushed. */
export const DELETE_SCHEDULE = `
  WITH gone AS (DELETE FROM millrace.schedules WHERE name = $1 RETURNING name)
  SELECT count(*)::int AS n FROM gone`;

/**
 * NOTIFYd (payload: the schedule's name) in the transaction that sets a schedule, so sleeping
 * schedulers wake and re-read the earliest next tick when it commits (queue/src/scheduler.ts).
 */
export const SCHEDULES_CHANNEL = 'millrace_schedules';

/** The database clock: every scheduler compares ticks with it, never with its host's. */
export const NOW = 'SELECT now() AS now';

/** $1 scope, $2 target, $3 handler */
export const SET_FAILURE_HANDLER = `
  INSERT INTO millrace.failure_handlers (scope, target, handler) VALUES ($1, $2, $3)
  ON CONFLICT (scope, target) DO UPDATE SET handler = excluded.handler, updated_at = now()
  RETURNING scope, target, handler, updated_at`;

/** $1 scope, $2 target */
export const DELETE_FAILURE_HANDLER =
  'DELETE FROM millrace.failure_handlers WHERE scope = $1 AND target = $2';

export const LIST_FAILURE_HANDLERS =
  'SELECT scope, target, handler, updated_at FROM millrace.failure_handlers ORDER BY scope DESC, target';
