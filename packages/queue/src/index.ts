export {
  ArgsTooLargeError,
  InvalidArgsError,
  InvalidJobOptionsError,
  JobNotFoundError,
  WaitTimeoutError,
} from './errors';
export { Queue, type QueueOptions } from './queue';
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
export { queueStatements } from './statements';
