import type { Db } from '@millrace/db';
import { ScriptNotFoundError } from './errors';
import * as sql from './schedule-sql';
import type { FailureHandler, FailureHandlerTarget } from './schedule-types';
import { SCRIPT_EXISTS } from './sql';

/**
 * On-failure handlers (docs/schedules.md#failure-handlers): a script pushed once for every job of
 * a script, or run by a worker group, that fails for good. The database trigger of migration 0008
 * records each such failure; the queue's scheduler loop pushes the handler job.
 */

interface HandlerRow {
  scope: 'script' | 'group';
  target: string;
  handler: string;
  updated_at: Date | string;
}

const toHandler = (r: HandlerRow): FailureHandler => ({
  scope: r.scope,
  target: r.target,
  handler: r.handler,
  updatedAt: r.updated_at instanceof Date ? r.updated_at : new Date(r.updated_at),
});

const scopeOf = (t: FailureHandlerTarget): ['script' | 'group', string] =>
  'script' in t ? ['script', t.script] : ['group', t.group];

/** Sets (or, with `handler` null, removes) the handler of `target`; the handler script must exist. */
export async function setFailureHandler(
  db: Db,
  target: FailureHandlerTarget,
  handler: string | null,
): Promise<FailureHandler | null> {
  const [scope, name] = scopeOf(target);
  if (handler === null) {
    await db.query(sql.DELETE_FAILURE_HANDLER, [scope, name]);
    return null;
  }
  if ((await db.query(SCRIPT_EXISTS, [handler])).rows.length === 0)
    throw new ScriptNotFoundError(handler, `failure handler of ${scope} ${name}`);
  const { rows } = await db.query<HandlerRow>(sql.SET_FAILURE_HANDLER, [scope, name, handler]);
  return toHandler(rows[0]);
}

export async function listFailureHandlers(db: Db): Promise<FailureHandler[]> {
  const { rows } = await db.query<HandlerRow>(sql.LIST_FAILURE_HANDLERS);
  return rows.map(toHandler);
}
