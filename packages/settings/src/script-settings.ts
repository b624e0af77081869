import type { Db } from '@millrace/db';
import { ScriptNotFoundError } from './errors';
import { type SettingsRow, toSettingsResult } from './rows';
import * as sql from './sql';
import type { ScriptSettingsPatch, ScriptSettingsResult } from './types';
import { notifyChange } from './watch';

/** Applies an already validated patch in one statement; keys absent from it are left as they are. */
export async function setScriptSettings(
  db: Db,
  path: string,
  patch: ScriptSettingsPatch,
): Promise<ScriptSettingsResult> {
  const given = (key: keyof ScriptSettingsPatch) => patch[key] !== undefined;
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<SettingsRow & { path: string }>(sql.UPDATE_SCRIPT_SETTINGS, [
      path,
      given('dedicated'),
      patch.dedicated ?? null,
      given('tag'),
      patch.tag ?? null,
      given('timeoutMs'),
      patch.timeoutMs ?? null,
      given('maxAttempts'),
      patch.maxAttempts ?? null,
      given('priority'),
      patch.priority ?? null,
      given('maxRunning'),
      patch.maxRunning ?? null,
      given('rateLimit'),
      patch.rateLimit?.max ?? null,
      patch.rateLimit?.windowMs ?? null,
    ]);
    if (!rows[0]) throw new ScriptNotFoundError(path);
    const row = rows[0];
    await tx.query(sql.UPDATE_SCRIPT_FLOW_LIMITS, [path, row.max_running, row.rate_max, row.rate_window_ms]);
    await notifyChange(tx, { kind: 'script', name: path });
    return toSettingsResult(rows[0]);
  });
}
