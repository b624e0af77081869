export type { LockedPackage, PinnedScript, ScriptDependencies } from './deps/lock';
export {
  DependencyBuildError,
  DependencyError,
  DependencyNotFoundError,
  DependencyTimeoutError,
  DependencyVersionNotFoundError,
  InvalidFailureHandlerError,
  InvalidPathError,
  InvalidScheduleError,
  InvalidScriptError,
  InvalidSettingsError,
  InvalidWorkerGroupError,
  RegistryUnreachableError,
  ScheduleNotFoundError,
  ScriptNotFoundError,
  WorkerGroupNotFoundError,
} from './errors';
export { type CronTicks, cronTicks, nextTicks } from './schedule-cron';
export { SCHEDULES_CHANNEL } from './schedule-sql';
export type {
  CatchUp,
  FailureHandler,
  FailureHandlerTarget,
  Schedule,
  ScheduleInput,
} from './schedule-types';
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
