import { createHash } from 'node:crypto';
import type { Db, Queryable } from '@millrace/db';
import { dependencyDigest, type ScriptDependencies } from './deps/lock';
import type { DependencyOptions } from './deps/resolve';
import { InvalidScriptError, ScriptNotFoundError } from './errors';
import {
  flowSettings,
  type ScriptRow,
  type ScriptSummaryRow,
  type SettingsRow,
  toScript,
  toSummary,
  toVersionInfo,
  type VersionRow,
} from './rows';
import { compileScript } from './script-compile';
import * as sql from './sql';
import { resolveTag } from './tag';
import type {
  DeployLanguage,
  DeployResult,
  JobDefaults,
  Script,
  ScriptLanguage,
  ScriptSummary,
  ScriptVersionInfo,
} from './types';
import { validateScriptPath } from './validate';
import { notifyChange } from './watch';

/** Scripts and their versions: deploy, read, list, and the defaults a pushed job inherits. */

/**
 * Identifies a version by what it runs: the same content in another language is another script,
 * and the same content bundled with other locked packages or pinned scripts is another version.
 */
export function scriptHash(
  language: ScriptLanguage,
  content: string,
  dependencies?: ScriptDependencies | null,
): string {
  const hash = createHash('sha256').update(`${language}\0${content}`);
  if (dependencies) hash.update(`\0${dependencyDigest(dependencies)}`);
  return hash.digest('hex');
}

export async function deployScript(
  db: Db,
  input: { path: string; content: string; language: DeployLanguage },
  options: { maxScriptBytes: number; dependencies: DependencyOptions },
): Promise<DeployResult> {
  const { path, content, language } = input;
  const size = Buffer.byteLength(content, 'utf8');
  if (size > options.maxScriptBytes) {
    throw new InvalidScriptError(
      `script ${path} is ${size} bytes, over the limit of ${options.maxScriptBytes}`,
    );
  }
  // Compile (and resolve, install, bundle dependencies) before taking the lock: it can take
  // seconds and the lock blocks other deploys of the path. A failure here writes nothing.
  const { code, dependencies } = await compileScript(path, language, content, {
    loadScript: (imported) => getScript(db, validateScriptPath(imported)),
    dependencies: options.dependencies,
  });
  return writeVersion(db, { path, language, content, code, dependencies }, 'always');
}

/** What a `handler` version holds: a note for whoever opens it in the UI, and no code. */
const HANDLER_NOTE =
  '// An in-host handler: the function a host gave startDedicatedWorker({ handlers }).\n' +
  '// Only a worker holding it runs its jobs; deploy code here to make it a script any worker runs.\n';

/**
 * Makes in-host handler paths pushable without a placeholder deploy: a path with no script gets a
 * `handler` version 1 (its settings — tag, timeout, attempts — apply as to any script); a path
 * already deployed keeps its versions. Returns the paths it created.
 */
export async function registerHandlers(db: Db, paths: readonly string[]): Promise<string[]> {
  const created: string[] = [];
  for (const path of paths) {
    const written = await writeVersion(
      db,
      { path, language: 'handler', content: HANDLER_NOTE, code: '', dependencies: null },
      'if-absent',
    );
    if (written.created) created.push(path);
  }
  return created;
}

/**
 * Writes a new version unless the latest has the same hash (`always`), or unless the path has any
 * version (`if-absent`). Two statements make the per-path lock: the placeholder row, then FOR UPDATE.
 */
async function writeVersion(
  db: Db,
  v: {
    path: string;
    language: ScriptLanguage;
    content: string;
    code: string;
    dependencies: ScriptDependencies | null;
  },
  when: 'always' | 'if-absent',
): Promise<DeployResult> {
  const hash = scriptHash(v.language, v.content, v.dependencies);
  return db.transaction(async (tx) => {
    await tx.query(sql.INSERT_SCRIPT_PLACEHOLDER, [v.path]);
    const { rows } = await tx.query<{ latest_version: number; latest_hash: string }>(sql.LOCK_SCRIPT, [
      v.path,
    ]);
    const latest = Number(rows[0].latest_version);
    const keep = latest > 0 && (when === 'if-absent' || rows[0].latest_hash === hash);
    if (keep) {
      const kept = await tx.query<{ dependencies: ScriptDependencies | string | null }>(
        sql.SELECT_VERSION_DEPENDENCIES,
        [v.path, latest],
      );
      const dependencies = kept.rows[0]?.dependencies ?? null;
      return {
        path: v.path,
        hash: rows[0].latest_hash,
        version: latest,
        created: false,
        dependencies: typeof dependencies === 'string' ? JSON.parse(dependencies) : dependencies,
      };
    }
    const version = latest + 1;
    const deps = v.dependencies === null ? null : JSON.stringify(v.dependencies);
    await tx.query(sql.INSERT_SCRIPT_VERSION, [v.path, version, hash, v.language, v.content, v.code, deps]);
    await tx.query(sql.SET_LATEST_VERSION, [v.path, version, hash]);
    await notifyChange(tx, { kind: 'script', name: v.path });
    return { path: v.path, hash, version, created: true, dependencies: v.dependencies };
  });
}

export async function getScript(db: Db, path: string, version?: number): Promise<Script> {
  const { rows } = await db.query<ScriptRow>(sql.SELECT_SCRIPT, [path, version ?? null]);
  if (!rows[0]) throw new ScriptNotFoundError(path, version === undefined ? undefined : `version ${version}`);
  return toScript(rows[0]);
}

export async function getScriptVersion(db: Db, path: string, hash: string): Promise<Script> {
  const { rows } = await db.query<ScriptRow>(sql.SELECT_SCRIPT_BY_HASH, [path, hash]);
  if (!rows[0]) throw new ScriptNotFoundError(path, `hash ${hash}`);
  return toScript(rows[0]);
}

export async function listScripts(db: Db): Promise<ScriptSummary[]> {
  const { rows } = await db.query<ScriptSummaryRow>(sql.LIST_SCRIPTS);
  return rows.map(toSummary);
}

export async function listVersions(db: Db, path: string): Promise<ScriptVersionInfo[]> {
  const { rows } = await db.query<VersionRow>(sql.LIST_VERSIONS, [path]);
  // Every script has at least one version: none means no script.
  if (rows.length === 0) throw new ScriptNotFoundError(path);
  return rows.map(toVersionInfo);
}

export async function tagFor(db: Db, path: string): Promise<string> {
  const { rows } = await db.query<SettingsRow & { path: string }>(sql.SELECT_SCRIPT_SETTINGS, [path]);
  if (!rows[0]) throw new ScriptNotFoundError(path);
  return resolveTag(path, rows[0]);
}

/** One query for any number of paths; duplicates cost nothing (pushMany of thousands of jobs). */
export async function jobDefaults(
  db: Queryable,
  paths: readonly string[],
): Promise<Map<string, JobDefaults>> {
  const distinct = [...new Set(paths)];
  const result = new Map<string, JobDefaults>();
  if (distinct.length === 0) return result;
  const { rows } = await db.query<SettingsRow & { path: string; latest_hash: string }>(
    sql.SELECT_JOB_DEFAULTS,
    [distinct],
  );
  const byPath = new Map(rows.map((r) => [r.path, r]));
  for (const path of distinct) {
    const row = byPath.get(path);
    if (!row) throw new ScriptNotFoundError(path);
    result.set(path, {
      hash: row.latest_hash,
      tag: resolveTag(path, row),
      timeoutMs: row.timeout_ms === null ? null : Number(row.timeout_ms),
      maxAttempts: Number(row.max_attempts),
      priority: Number(row.priority),
      ...flowSettings(row),
    });
  }
  return result;
}
