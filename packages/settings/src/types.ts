import type { ScriptDependencies } from './deps/lock';

/** Public shapes of @millrace/settings. Dates are `Date`; absent optional values are `null`. */

/**
 * What a version is written in. `handler`: an in-host function registered by a worker
 * (`startDedicatedWorker({ handlers })`); it has no code, only the worker that holds it runs it.
 */
export type ScriptLanguage = 'typescript' | 'javascript' | 'python' | 'handler';

/** The languages a deploy accepts: `handler` versions come from registering a handler, not a deploy. */
export type DeployLanguage = Exclude<ScriptLanguage, 'handler'>;

export interface DeployInput {
  path: string;
  content: string;
  /** default 'typescript' */
  language?: DeployLanguage;
}

export interface DeployResult {
  path: string;
  hash: string;
  version: number;
  /** false when the content equals the latest version's: nothing was written */
  created: boolean;
  /** the lock of the version (new or kept); null when it imports only Node built-ins */
  dependencies: ScriptDependencies | null;
}

export interface ScriptSettings {
  dedicated: boolean;
  tag: string | null;
  timeoutMs: number | null;
  maxAttempts: number;
  priority: number;
  /** at most this many of its jobs run at once, across every worker; null: no limit */
  maxRunning: number | null;
  /** at most `max` of its jobs start in any `windowMs` (sliding); null: no limit */
  rateLimit: RateLimit | null;
}

/** At most `max` starts in any window of `windowMs` (docs/flow-control.md). */
export interface RateLimit {
  max: number;
  windowMs: number;
}

export type ScriptSettingsPatch = Partial<ScriptSettings>;

export interface ScriptSettingsResult {
  settings: ScriptSettings;
  resolvedTag: string;
}

export interface Script {
  path: string;
  hash: string;
  version: number;
  language: ScriptLanguage;
  /** what was deployed */
  content: string;
  /** what workers run: ESM JavaScript (transpiled, and bundled with its dependencies, at deploy) or Python source */
  code: string;
  /** when this version was deployed */
  createdAt: Date;
  /** the locked packages and pinned scripts this version was bundled with; null: none */
  dependencies: ScriptDependencies | null;
  settings: ScriptSettings;
  resolvedTag: string;
}

export interface ScriptSummary {
  path: string;
  /** latest version */
  hash: string;
  version: number;
  language: ScriptLanguage;
  createdAt: Date;
  updatedAt: Date;
  settings: ScriptSettings;
  resolvedTag: string;
}

export interface ScriptVersionInfo {
  version: number;
  hash: string;
  language: ScriptLanguage;
  createdAt: Date;
  /** the locked packages and pinned scripts this version was bundled with; null: none */
  dependencies: ScriptDependencies | null;
}

/** What a pushed job of a path inherits from its latest version and settings. */
export interface JobDefaults {
  hash: string;
  tag: string;
  timeoutMs: number | null;
  maxAttempts: number;
  priority: number;
  maxRunning: number | null;
  rateLimit: RateLimit | null;
}

export interface WorkerGroupInput {
  tags?: string[];
  dedicatedWorker?: string | null;
  concurrency?: number;
  env?: Record<string, string>;
  initScript?: string | null;
  /** cap on each job process's writable memory (RLIMIT_DATA), MiB; default 1024 */
  memoryLimitMb?: number;
  /** timeout of a job whose script settings and push give none; default 900000 (15 min) */
  defaultTimeoutMs?: number;
  /** run job processes as this user (a name or uid[:gid]); needs a worker running as root. null: the worker's user */
  runAs?: string | null;
}

export interface WorkerGroup {
  name: string;
  tags: string[];
  dedicatedWorker: string | null;
  concurrency: number;
  env: Record<string, string>;
  initScript: string | null;
  memoryLimitMb: number;
  defaultTimeoutMs: number;
  runAs: string | null;
  /** what its workers claim: `['dedicated:<path>']` for a dedicated group, else `tags` */
  servedTags: string[];
  updatedAt: Date;
}

export type SettingsEvent = { kind: 'worker_group' | 'script'; name: string } | { kind: 'poll' };

export interface WatchOptions {
  /** fallback poll for lost notifications (default 5000 ms) */
  pollIntervalMs?: number;
}

export interface SettingsOptions {
  /** largest script content accepted, in bytes (default 1 MiB) */
  maxScriptBytes?: number;
  /** how a deploy resolves and installs npm packages (docs/dependencies.md) */
  dependencies?: DependencySettings;
}

export interface DependencySettings {
  /** the deploying host's install cache (default `$MILLRACE_DEPS_CACHE_DIR`, else `$XDG_CACHE_HOME/millrace/deps`, else `~/.cache/millrace/deps`) */
  cacheDir?: string;
  /** the longest a deploy may spend resolving, installing and bundling (default 120000 ms) */
  timeoutMs?: number;
  /** npm executable (default `npm` on PATH) */
  npmCommand?: string;
  /** npm settings over the process's own npm config, as `npm_config_<key>` (e.g. `{ registry }`) */
  npmConfig?: Record<string, string>;
}
