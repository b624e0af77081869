export type { LockedPackage, PinnedScript, ScriptDependencies } from './deps/lock';
export {
  DependencyBuildError,
  DependencyError,
  DependencyNotFoundError,
  DependencyTimeoutError,
  DependencyVersionNotFoundError,
  InvalidPathError,
  InvalidScriptError,
  InvalidSettingsError,
  InvalidWorkerGroupError,
  RegistryUnreachableError,
  ScriptNotFoundError,
  WorkerGroupNotFoundError,
} from './errors';
export { scriptHash } from './scripts';
export { Settings } from './settings';
export { SETTINGS_CHANNEL } from './sql';
export { DEDICATED_PREFIX, DEFAULT_TAG, dedicatedTag, resolveTag } from './tag';
export type {
  DependencySettings,
  DeployInput,
  DeployLanguage,
  DeployResult,
  JobDefaults,
  RateLimit,
  Script,
  ScriptLanguage,
  ScriptSettings,
  ScriptSettingsPatch,
  ScriptSettingsResult,
  ScriptSummary,
  ScriptVersionInfo,
  SettingsEvent,
  SettingsOptions,
  WatchOptions,
  WorkerGroup,
  WorkerGroupInput,
} from './types';
export { validateScriptPath } from './validate';
export { DEFAULT_GROUP } from './worker-groups';
