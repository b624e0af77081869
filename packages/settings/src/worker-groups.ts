import type { Db } from '@millrace/db';
import { InvalidWorkerGroupError, ScriptNotFoundError, WorkerGroupNotFoundError } from './errors';
import { type GroupRow, toWorkerGroup } from './rows';
import * as sql from './sql';
import { DEFAULT_TAG } from './tag';
import type { WorkerGroup, WorkerGroupInput } from './types';
import { notifyChange } from './watch';

/**
 * Worker groups: a generic group serves its `tags`; a dedicated group (`dedicatedWorker: <path>`)
 * serves only `dedicated:<path>`. The two are exclusive, so a call may not half-configure both.
 */

export const DEFAULT_GROUP = 'default';

const isDefaultTags = (tags: readonly string[]) => tags.length === 1 && tags[0] === DEFAULT_TAG;

/** Upserts `name` with an already validated input; fields absent from it keep their value. */
export async function setWorkerGroup(db: Db, name: string, input: WorkerGroupInput): Promise<WorkerGroup> {
  if (typeof input.dedicatedWorker === 'string' && input.tags && !isDefaultTags(input.tags)) {
    throw new InvalidWorkerGroupError([
      'tags and dedicatedWorker cannot be set together: a dedicated group serves only dedicated:<path>',
    ]);
  }
  return db.transaction(async (tx) => {
    await tx.query(sql.INSERT_GROUP_PLACEHOLDER, [name]);
    const { rows } = await tx.query<GroupRow>(sql.LOCK_GROUP, [name]);
    const current = toWorkerGroup(rows[0]);

    if (input.tags && current.dedicatedWorker !== null && input.dedicatedWorker === undefined) {
      throw new InvalidWorkerGroupError([
        `group ${name} is dedicated to ${current.dedicatedWorker}: pass dedicatedWorker: null with the tags to make it generic`,
      ]);
    }
    if (typeof input.dedicatedWorker === 'string') {
      const found = await tx.query(sql.SCRIPT_EXISTS, [input.dedicatedWorker]);
      if (found.rows.length === 0)
        throw new ScriptNotFoundError(input.dedicatedWorker, `dedicatedWorker of group ${name}`);
    }

    const dedicatedWorker =
      input.dedicatedWorker !== undefined ? input.dedicatedWorker : current.dedicatedWorker;
    // A dedicated group's tags are unused; keep them at the default so turning it generic again is clean.
    const tags = typeof input.dedicatedWorker === 'string' ? [DEFAULT_TAG] : (input.tags ?? current.tags);
    const updated = await tx.query<GroupRow>(sql.UPDATE_GROUP, [
      name,
      tags,
      dedicatedWorker,
      input.concurrency ?? current.concurrency,
      JSON.stringify(input.env ?? current.env),
      input.initScript !== undefined ? input.initScript : current.initScript,
      input.memoryLimitMb ?? current.memoryLimitMb,
      input.defaultTimeoutMs ?? current.defaultTimeoutMs,
      input.runAs !== undefined ? input.runAs : current.runAs,
    ]);
    await notifyChange(tx, { kind: 'worker_group', name });
    return toWorkerGroup(updated.rows[0]);
  });
}

export async function getWorkerGroup(db: Db, name: string): Promise<WorkerGroup> {
  const { rows } = await db.query<GroupRow>(sql.SELECT_GROUP, [name]);
  if (!rows[0]) throw new WorkerGroupNotFoundError(name);
  return toWorkerGroup(rows[0]);
}

export async function listWorkerGroups(db: Db): Promise<WorkerGroup[]> {
  const { rows } = await db.query<GroupRow>(sql.LIST_GROUPS);
  return rows.map(toWorkerGroup);
}

export async function deleteWorkerGroup(db: Db, name: string): Promise<void> {
  // Workers started without a group fall back to it, so it always exists.
  if (name === DEFAULT_GROUP) throw new InvalidWorkerGroupError(['the default group cannot be deleted']);
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query(sql.DELETE_GROUP, [name]);
    if (rowCount === 0) throw new WorkerGroupNotFoundError(name);
    await notifyChange(tx, { kind: 'worker_group', name });
  });
}
