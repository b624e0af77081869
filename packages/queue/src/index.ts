export { CANCEL_CHANNEL, DONE_CHANNEL, JOBS_CHANNEL } from './channels';
export {
  ArgsTooLargeError,
  HistoryBusyError,
  InvalidArgsError,
  InvalidJobOptionsError,
  JobNotFoundError,
  WaitTimeoutError,
} from './errors';
export { History, type HistoryOptions, type MaintenanceReport } from './history';
export { type DefineJobOptions, defineJob, type JobDefinition, type JobId } from './job-definition';
export { Queue, type QueueOptions } from './queue';
export type { TimelineJob } from './sql/timeline';
export { queueStatements } from './statements';
export type {
  CanceledJob,
  ClaimedJob,
  CompleteReport,
  Completion,
  CompletionCounter,
  CounterHistogram,
  FailedJob,
  FinishedJob,
  HeartbeatReport,
  Job,
  JobArgs,
  JobAttempt,
  JobError,
  JobFailureReason,
  JobStatus,
  ListFilter,
  LogChunk,
  PushOptions,
  PushRequest,
  QueueCounts,
  QueuedJob,
  RunningJob,
  SucceededJob,
  TagHistograms,
  WorkerInfo,
  WorkerRegistration,
} from './types';
export { isJobId } from './validate';
