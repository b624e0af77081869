import type { ScriptDependencies } from './deps/lock';
import { dedicatedTag, resolveTag } from './tag';
import type {
  Script,
  ScriptLanguage,
  ScriptSettings,
  ScriptSettingsResult,
  ScriptSummary,
  ScriptVersionInfo,
  WorkerGroup,
} from './types';

/** Row shapes returned by sql.ts and their mapping to the public types. */

export interface SettingsRow {
  dedicated: boolean;
  tag: string | null;
  timeout_ms: number | null;
  max_attempts: number;
  priority: number;
  max_running: number | null;
  rate_max: number | null;
  rate_window_ms: number | null;
}

export interface VersionRow {
  version: number;
  hash: string;
  language: ScriptLanguage;
  created_at: Date | string;
  /** absent in the scripts list, which reads no version details */
  dependencies?: ScriptDependencies | string | null;
}

export interface ScriptRow extends SettingsRow, VersionRow {
  path: string;
  content: string;
  code: string;
}

export interface ScriptSummaryRow extends SettingsRow, VersionRow {
  path: string;
  updated_at: Date | string;
}

export interface GroupRow {
  name: string;
  tags: string[];
  dedicated_worker: string | null;
  concurrency: number;
  env: Record<string, string> | string;
  init_script: string | null;
  memory_limit_mb: number;
  default_timeout_ms: number;
  run_as: string | null;
  updated_at: Date | string;
}

export function toSettings(row: SettingsRow): ScriptSettings {
  return {
    dedicated: row.dedicated,
    tag: row.tag,
    timeoutMs: row.timeout_ms === null ? null : Number(row.timeout_ms),
    maxAttempts: Number(row.max_attempts),
    priority: Number(row.priority),
    ...flowSettings(row),
  };
}

/** A script's concurrency and rate limits (the queue enforces them; docs/flow-control.md). */
export function flowSettings(row: SettingsRow): Pick<ScriptSettings, 'maxRunning' | 'rateLimit'> {
  return {
    maxRunning: row.max_running === null ? null : Number(row.max_running),
    rateLimit:
      row.rate_max === null ? null : { max: Number(row.rate_max), windowMs: Number(row.rate_window_ms) },
  };
}

export function toVersionInfo(row: VersionRow): ScriptVersionInfo {
  return {
    version: Number(row.version),
    hash: row.hash,
    language: row.language,
    createdAt: new Date(row.created_at),
    dependencies:
      typeof row.dependencies === 'string' ? JSON.parse(row.dependencies) : (row.dependencies ?? null),
  };
}

/** A script's settings with the tag they resolve to: the two always travel together. */
export function toSettingsResult(row: SettingsRow & { path: string }): ScriptSettingsResult {
  const settings = toSettings(row);
  return { settings, resolvedTag: resolveTag(row.path, settings) };
}

export function toScript(row: ScriptRow): Script {
  return {
    path: row.path,
    ...toVersionInfo(row),
    content: row.content,
    code: row.code,
    ...toSettingsResult(row),
  };
}

export function toSummary(row: ScriptSummaryRow): ScriptSummary {
  // The list reads no version details: its rows have no dependencies to report.
  const { dependencies: _none, ...version } = toVersionInfo(row);
  return {
    path: row.path,
    ...version,
    updatedAt: new Date(row.updated_at),
    ...toSettingsResult(row),
  };
}

export function toWorkerGroup(row: GroupRow): WorkerGroup {
  const tags = [...row.tags];
  return {
    name: row.name,
    tags,
    dedicatedWorker: row.dedicated_worker,
    concurrency: Number(row.concurrency),
    env: typeof row.env === 'string' ? JSON.parse(row.env) : row.env,
    initScript: row.init_script,
    memoryLimitMb: Number(row.memory_limit_mb),
    defaultTimeoutMs: Number(row.default_timeout_ms),
    runAs: row.run_as,
    servedTags: row.dedicated_worker ? [dedicatedTag(row.dedicated_worker)] : tags,
    updatedAt: new Date(row.updated_at),
  };
}
