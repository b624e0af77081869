export { CANCEL_CHANNEL, DONE_CHANNEL, JOBS_CHANNEL } from './channels';
export {
  ArgsTooLargeError,
  HistoryBusyError,
  InvalidArgsError,
  InvalidJobOptionsError,
  JobNotFoundError,
  WaitTimeoutError,
} from './errors';
export type { HandledFailure } from './failure-handler-jobs';
export { History, type HistoryOptions, type MaintenanceReport } from './history';
export { type DefineJobOptions, defineJob, type JobDefinition, type JobId } from './job-definition';
export { type JobEvent, JobEvents, type JobEventType } from './job-events';
export type { HostClient } from './push';
export { Queue, type QueueOptions } from './queue';
export { decideTick, type FiredTick, type FireReport, SKIP_GRACE_MS } from './schedule-firing';
export { Scheduler, type SchedulerOptions } from './scheduler';
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
  JobPusher,
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
