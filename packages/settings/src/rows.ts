import { dedicatedTag, resolveTag } from './tag';
import type {
  Script,
  ScriptLanguage,
  ScriptSettings,
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
}

export interface ScriptRow extends SettingsRow {
  path: string;
  version: number;
  hash: string;
  language: ScriptLanguage;
  content: string;
  code: string;
  created_at: Date | string;
}

export interface ScriptSummaryRow extends SettingsRow {
  path: string;
  version: number;
  hash: string;
  language: ScriptLanguage;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface VersionRow {
  version: number;
  hash: string;
  language: ScriptLanguage;
  created_at: Date | string;
}

export interface GroupRow {
  name: string;
  tags: string[];
  dedicated_worker: string | null;
  concurrency: number;
  env: Record<string, string> | string;
  init_script: string | null;
  updated_at: Date | string;
}

export function toSettings(row: SettingsRow): ScriptSettings {
  return {
    dedicated: row.dedicated,
    tag: row.tag,
    timeoutMs: row.timeout_ms === null ? null : Number(row.timeout_ms),
    maxAttempts: Number(row.max_attempts),
    priority: Number(row.priority),
  };
}

export function toScript(row: ScriptRow): Script {
  const settings = toSettings(row);
  return {
    path: row.path,
    hash: row.hash,
    version: Number(row.version),
    language: row.language,
    content: row.content,
    code: row.code,
    createdAt: new Date(row.created_at),
    settings,
    resolvedTag: resolveTag(row.path, settings),
  };
}

export function toSummary(row: ScriptSummaryRow): ScriptSummary {
  const settings = toSettings(row);
  return {
    path: row.path,
    hash: row.hash,
    version: Number(row.version),
    language: row.language,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    settings,
    resolvedTag: resolveTag(row.path, settings),
  };
}

export function toVersionInfo(row: VersionRow): ScriptVersionInfo {
  return {
    version: Number(row.version),
    hash: row.hash,
    language: row.language,
    createdAt: new Date(row.created_at),
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
    servedTags: row.dedicated_worker ? [dedicatedTag(row.dedicated_worker)] : tags,
    updatedAt: new Date(row.updated_at),
  };
}
