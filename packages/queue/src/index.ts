export {
  ArgsTooLargeError,
  HistoryBusyError,
  InvalidArgsError,
  InvalidJobOptionsError,
  JobNotFoundError,
  WaitTimeoutError,
} from './errors';
export { History, type HistoryOptions, type MaintenanceReport } from './history';
export type { HostClient } from './push';
export { Queue, type QueueOptions } from './queue';
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
  JobPusher,
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
