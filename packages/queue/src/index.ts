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
export { type JobEvent, JobEvents, type JobEventType } from './job-events';
export { Queue, type QueueOptions } from './queue';
export { decideTick, type FiredTick, type FireReport, SKIP_GRACE_MS } from './schedule-firing';
export { Scheduler, type SchedulerOptions } from './scheduler';
export type { TimelineJob } from './sql/timeline';
export { queueStatements } from './statements';
export type {
  ClaimedJob,
  CompleteReport,
  Completion,
  CompletionCounter,
  CounterHistogram,
  HeartbeatReport,
  Job,
  JobAttempt,
  JobError,
  JobStatus,
  ListFilter,
  LogChunk,
  PushOptions,
  PushRequest,
  QueueCounts,
  TagHistograms,
  WorkerInfo,
  WorkerRegistration,
} from './types';
export { isJobId } from './validate';
