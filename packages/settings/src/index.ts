export {
  InvalidPathError,
  InvalidScriptError,
  InvalidSettingsError,
  InvalidWorkerGroupError,
  ScriptNotFoundError,
  WorkerGroupNotFoundError,
} from './errors';
export { scriptHash } from './scripts';
export { Settings } from './settings';
export { SETTINGS_CHANNEL } from './sql';
export { DEDICATED_PREFIX, DEFAULT_TAG, dedicatedTag, resolveTag } from './tag';
export type {
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
