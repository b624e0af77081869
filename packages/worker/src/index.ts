export {
  ColdExecutorError,
  type ColdExecutorErrorCode,
  type ColdExecutorOptions,
  ColdWrapperNotFoundError,
  createColdExecutor,
  InvalidColdExecutorOptionsError,
} from './cold/index';
export { Completer, type CompleterOptions, type CompleterStatus } from './completer';
export { DedicatedExecutor, type DedicatedExecutorOptions, HandlerExecutor } from './dedicated-executor';
export { InitScriptFailedError, RowRefusedError, WorkerConfigError, WriteFailingError } from './errors';
export type { Capacity, ExecutableJob, Executor, JobContext, JobError, JobOutcome } from './executor';
export { GenericExecutor, type GenericExecutorOptions } from './generic-executor';
export { handlerFor } from './handler-for';
export {
  type RunningWorker,
  type StartWorkerOptions,
  startDedicatedWorker,
  startWorker,
} from './start-worker';
export type { StopReport, WorkerLoopStatus as WorkerStatus } from './worker-loop';
