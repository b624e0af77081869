// Public API of @millrace/dedicated-runner, named export by export.
export type { FailureReason, ScriptErrorInfo } from './errors';
export {
  InvalidArgsError,
  InvalidRunnerOptionsError,
  LoadError,
  ResultNotJsonError,
  ResultTooLargeError,
  RunCanceledError,
  RunnerClosedError,
  RunnerError,
  RunTimeoutError,
  RuntimeCrashedError,
  ScriptError,
} from './errors';
export { MillraceError } from './millrace-error';
export { openRunner } from './open-runner';
export type {
  Handler,
  HandlerContext,
  RunnerLanguage,
  RunnerOptions,
  RunOptions,
  RuntimeKind,
} from './options';
export {
  type Confinement,
  type ConfineOptions,
  confinement,
  killConfinedJob,
  type RunAs,
  signalConfined,
  spawnConfined,
} from './process/confine';
export type { CloseOptions, Runner } from './runner';
