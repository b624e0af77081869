export {
  ArgsTooLargeError,
  InvalidArgsError,
  InvalidJobOptionsError,
  JobNotFoundError,
  WaitTimeoutError,
} from './errors';
export { Queue, type QueueOptions } from './queue';
export type { TimelineJob } from './sql/timeline';
export { queueStatements } from './statements';
export type {
  ClaimedJob,
  CompleteReport,
  Completion,
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
  WorkerInfo,
  WorkerRegistration,
} from './types';
