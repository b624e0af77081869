import type { Db, Queryable } from '@millrace/db';
import { defaultCacheDir } from './deps/package-cache';
import type { DependencyOptions } from './deps/resolve';
import * as failureHandlers from './failure-handlers';
import type { FailureHandler, FailureHandlerTarget, Schedule, ScheduleInput } from './schedule-types';
import * as schedules from './schedules';
import { setScriptSettings } from './script-settings';
import * as scripts from './scripts';
import type {
  DeployInput,
  DeployResult,
  JobDefaults,
  Script,
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
import {
  parseDeployInput,
  parseScriptSettingsPatch,
  parseWorkerGroupInput,
  validateScriptPath,
  validateWorkerGroupName,
} from './validate';
import { parseFailureHandler, parseScheduleInput, validateScheduleName } from './validate-schedule';
import { watch } from './watch';
import * as groups from './worker-groups';

const DEFAULT_MAX_SCRIPT_BYTES = 1024 * 1024;
const DEFAULT_DEPENDENCY_TIMEOUT_MS = 120_000;

/**
 * Scripts, their settings and worker groups. Thin on purpose: each method validates its input
 * (once, here at the boundary) and hands it to the module that owns the operation. Every method
 * is async so that bad input rejects the returned promise rather than throwing synchronously.
 */
export class Settings {
  readonly #db: Db;
  readonly #maxScriptBytes: number;
  readonly #dependencies: DependencyOptions;

  constructor(db: Db, options: SettingsOptions = {}) {
    this.#db = db;
    this.#maxScriptBytes = options.maxScriptBytes ?? DEFAULT_MAX_SCRIPT_BYTES;
    const deps = options.dependencies ?? {};
    this.#dependencies = {
      cacheDir: deps.cacheDir ?? defaultCacheDir(),
      timeoutMs: deps.timeoutMs ?? DEFAULT_DEPENDENCY_TIMEOUT_MS,
      npmCommand: deps.npmCommand ?? 'npm',
      npmConfig: { ...deps.npmConfig },
    };
  }

  /**
   * A new version (unless the content and its resolved dependencies equal the latest version's).
   * Imports of npm packages and of other scripts (`millrace:<path>`) are resolved, locked,
   * installed into the cache and bundled first: any failure rejects and writes nothing.
   */
  async deployScript(input: DeployInput): Promise<DeployResult> {
    return scripts.deployScript(this.#db, parseDeployInput(input), {
      maxScriptBytes: this.#maxScriptBytes,
      dependencies: this.#dependencies,
    });
  }

  /**
   * Registers in-host handler paths (startDedicatedWorker does it for its `handlers`): a path with
   * no script becomes pushable, as a `handler` script; deployed paths are left as they are.
   */
  async registerHandlers(paths: readonly string[]): Promise<string[]> {
    return scripts.registerHandlers(this.#db, paths.map(validateScriptPath));
  }

  async getScript(path: string, options: { version?: number } = {}): Promise<Script> {
    return scripts.getScript(this.#db, validateScriptPath(path), options.version);
  }

  /** The exact version with this hash: what a worker runs for a job. */
  async getScriptVersion(path: string, hash: string): Promise<Script> {
    return scripts.getScriptVersion(this.#db, validateScriptPath(path), hash);
  }

  async listScripts(): Promise<ScriptSummary[]> {
    return scripts.listScripts(this.#db);
  }

  /** Newest first. */
  async listVersions(path: string): Promise<ScriptVersionInfo[]> {
    return scripts.listVersions(this.#db, validateScriptPath(path));
  }

  async setScriptSettings(path: string, patch: ScriptSettingsPatch): Promise<ScriptSettingsResult> {
    const validPath = validateScriptPath(path);
    return setScriptSettings(this.#db, validPath, parseScriptSettingsPatch(patch));
  }

  async tagFor(path: string): Promise<string> {
    return scripts.tagFor(this.#db, validateScriptPath(path));
  }

  /**
   * Hash, tag and defaults of the latest version of each path, in one query; `via` runs it on
   * another connection (a push inside a transaction reads through the transaction).
   */
  async jobDefaults(paths: readonly string[], via: Queryable = this.#db): Promise<Map<string, JobDefaults>> {
    // A pushMany of thousands of jobs names few scripts: validate each distinct path once.
    const distinct = [...new Set(paths)];
    for (const path of distinct) validateScriptPath(path);
    return scripts.jobDefaults(via, distinct);
  }

  async setWorkerGroup(name: string, input: WorkerGroupInput = {}): Promise<WorkerGroup> {
    const validName = validateWorkerGroupName(name);
    return groups.setWorkerGroup(this.#db, validName, parseWorkerGroupInput(input));
  }

  async getWorkerGroup(name: string): Promise<WorkerGroup> {
    return groups.getWorkerGroup(this.#db, validateWorkerGroupName(name));
  }

  async listWorkerGroups(): Promise<WorkerGroup[]> {
    return groups.listWorkerGroups(this.#db);
  }

  async deleteWorkerGroup(name: string): Promise<void> {
    return groups.deleteWorkerGroup(this.#db, validateWorkerGroupName(name));
  }

  /** Creates or updates a cron schedule (docs/schedules.md); fields left out keep their value. */
  async setSchedule(name: string, input: ScheduleInput): Promise<Schedule> {
    return schedules.setSchedule(this.#db, validateScheduleName(name), parseScheduleInput(input));
  }

  async getSchedule(name: string): Promise<Schedule> {
    return schedules.getSchedule(this.#db, validateScheduleName(name));
  }

  async listSchedules(): Promise<Schedule[]> {
    return schedules.listSchedules(this.#db);
  }

  async deleteSchedule(name: string): Promise<void> {
    return schedules.deleteSchedule(this.#db, validateScheduleName(name));
  }

  /** Sets the on-failure handler of a script or worker group; `null` removes it. */
  async setFailureHandler(
    target: FailureHandlerTarget,
    handler: string | null,
  ): Promise<FailureHandler | null> {
    return failureHandlers.setFailureHandler(this.#db, ...parseFailureHandler(target, handler));
  }

  async listFailureHandlers(): Promise<FailureHandler[]> {
    return failureHandlers.listFailureHandlers(this.#db);
  }

  /** Calls `fn` on every change made by any process on this database; resolves to an unsubscribe. */
  async watch(fn: (event: SettingsEvent) => void, options?: WatchOptions): Promise<() => Promise<void>> {
    return watch(this.#db, fn, options);
  }
}
