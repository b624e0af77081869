export type JobStatus = 'queued' | 'running' | 'success' | 'failure' | 'canceled';
export const FINISHED: ReadonlySet<JobStatus> = new Set(['success', 'failure', 'canceled']);

/** Why a job failed, when the script did not simply throw (docs/errors.md lists each). */
export type JobFailureReason =
  | 'thrown'
  | 'timeout'
  | 'crash'
  | 'no_result'
  | 'result_too_large'
  | 'runtime_lost'
  | 'no_handler'
  | 'canceled'
  // set by the queue or the worker when the outcome is written, never by an executor:
  | 'result_not_storable'
  | 'completion_refused'
  | 'worker_stopped'
  | 'worker_lost';

/** How a job failed: the one JobError of every package (the worker's executors return it too). */
export interface JobError {
  message: string;
  /** the thrown error's own name (TypeError, ChargeError…), or Millrace's for its own failures */
  name?: string;
  stack?: string;
  reason?: JobFailureReason;
}

/** What a job's args are when nothing more is known: a JSON object. */
export type JobArgs = Record<string, unknown>;

/** The fields every job has, whatever its status. */
interface JobFields<A> {
  id: string;
  path: string;
  hash: string;
  tag: string;
  args: A;
  attempt: number;
  maxAttempts: number;
  priority: number;
  timeoutMs: number | null;
  rerunOf: string | null;
  /** the keys it was pushed with (docs/flow-control.md) */
  concurrencyKey: string | null;
  uniqueKey: string | null;
  cancelRequested: boolean;
  createdAt: Date;
  /** when a queued or running job becomes (or became) claimable; null once the job has ended */
  scheduledFor: Date | null;
  /** `get` only: the schedule tick that pushed this job (null: not a scheduled run) */
  schedule?: { name: string; tick: Date } | null;
  /** `get` only: the failed job this failure handler job was pushed for */
  failureOf?: string | null;
}

/** Waiting for a worker (a retried or released job too: its earlier attempts are in `queue.attempts`). */
export interface QueuedJob<A = JobArgs> extends JobFields<A> {
  status: 'queued';
  result: null;
  error: null;
  worker: null;
  startedAt: null;
  completedAt: null;
  durationMs: null;
}

export interface RunningJob<A = JobArgs> extends JobFields<A> {
  status: 'running';
  result: null;
  error: null;
  worker: string;
  startedAt: Date;
  completedAt: null;
  durationMs: null;
}

/** `result` is what the script returned (`undefined` is stored as null). */
export interface SucceededJob<A = JobArgs, R = unknown> extends JobFields<A> {
  status: 'success';
  result: R;
  error: null;
  worker: string;
  startedAt: Date;
  completedAt: Date;
  durationMs: number;
}

/** `worker`, `startedAt` and `durationMs` are null for a job that failed without running (e.g. out of lost attempts before a start). */
export interface FailedJob<A = JobArgs> extends JobFields<A> {
  status: 'failure';
  result: null;
  error: JobError;
  worker: string | null;
  startedAt: Date | null;
  completedAt: Date;
  durationMs: number | null;
  /** `get` only: the schedule tick that pushed this job (null: not a scheduled run) */
  schedule?: { name: string; tick: Date } | null;
  /** `get` only: the failed job this failure handler job was pushed for */
  failureOf?: string | null;
}

/** A job canceled before it started has no worker or start; `error` says who canceled it, when known. */
export interface CanceledJob<A = JobArgs> extends JobFields<A> {
  status: 'canceled';
  result: null;
  error: JobError | null;
  worker: string | null;
  startedAt: Date | null;
  completedAt: Date;
  durationMs: number | null;
}

/** A job in one of its states: check `status` to reach `result` (success) or `error` (failure). */
export type Job<A = JobArgs, R = unknown> =
  | QueuedJob<A>
  | RunningJob<A>
  | SucceededJob<A, R>
  | FailedJob<A>
  | CanceledJob<A>;

/** A job that has ended: what `queue.wait` resolves to. */
export type FinishedJob<A = JobArgs, R = unknown> = SucceededJob<A, R> | FailedJob<A> | CanceledJob<A>;

export interface PushOptions {
  /** routing label; default: the script's resolved tag (`settings.tagFor`) */
  tag?: string;
  priority?: number;
  /** not claimable before this time */
  scheduledFor?: Date | string;
  timeoutMs?: number | null;
  maxAttempts?: number;
  /** jobs with the same key share one limit (docs/flow-control.md); default: the script's own */
  concurrencyKey?: string;
  /** the key's running jobs at once (default: the script's `maxRunning`); the last push sets it */
  concurrencyLimit?: number;
  /** the key's starts per sliding window (default: the script's `rateLimit`); the last push sets it */
  rateLimit?: { max: number; windowMs: number };
  /** at most one queued job per key: pushing again returns the queued job's id */
  uniqueKey?: string;
  /** with `uniqueKey`: a running job of the key also counts (its id is returned) */
  uniqueWhileRunning?: boolean;
  /** with `uniqueKey`: debounce, the queued job takes these args and starts `debounceMs` from now */
  debounceMs?: number;
}

export interface PushRequest extends PushOptions {
  path: string;
  args?: Record<string, unknown>;
}

/** `push` and `pushMany` bound to one connection: `queue.within(client)`, `queue.transaction`. */
export interface JobPusher {
  push(path: string, args?: Record<string, unknown>, options?: PushOptions): Promise<string>;
  pushMany(requests: PushRequest[]): Promise<string[]>;
}

/** What a worker gets from `claim`: everything needed to run the job, and the fencing token. */
export interface ClaimedJob {
  id: string;
  token: string;
  path: string;
  hash: string;
  tag: string;
  args: Record<string, unknown>;
  attempt: number;
  maxAttempts: number;
  timeoutMs: number | null;
  createdAt: Date;
  startedAt: Date;
}

/** `startedAt`/`durationMs`: when the job really started and how long it ran, by the worker's clock. */
interface CompletionBase {
  id: string;
  token: string;
  startedAt?: Date | number;
  durationMs?: number;
}

export type Completion =
  | (CompletionBase & { status: 'success'; result: unknown })
  | (CompletionBase & { status: 'failure'; error: JobError; retryable?: boolean })
  | (CompletionBase & { status: 'canceled'; error?: JobError });

export interface CompleteReport {
  /** ended for good (completed row written) */
  completed: string[];
  /** failed with attempts left: back in the queue with a backoff */
  retried: string[];
  /** the claim token no longer matched (the job was reaped and maybe re-claimed): nothing changed */
  stale: string[];
  /** successes whose result PostgreSQL cannot store, written as failures (`result_not_storable`); absent when none */
  notStorable?: string[];
}

export interface HeartbeatReport {
  /** held jobs whose cancel was requested: stop them and complete them as canceled */
  canceled: string[];
  /** held jobs this worker no longer owns (reaped): drop them, their result would be refused */
  lost: string[];
}

export interface LogChunk {
  id: string;
  attempt: number;
  seq: number;
  text: string;
}

export interface JobAttempt {
  attempt: number;
  status: 'failure' | 'lost';
  error: JobError | null;
  worker: string | null;
  startedAt: Date | null;
  endedAt: Date;
}

export interface ListFilter {
  status?: JobStatus | JobStatus[];
  path?: string;
  tag?: string;
  worker?: string;
  limit?: number;
  /** keyset paging: only jobs with a smaller id */
  before?: string;
}

export interface QueueCounts {
  byStatus: Record<JobStatus, number>;
  byTag: { tag: string; queued: number; running: number; served: boolean }[];
  /** tags with queued jobs and no live worker serving them: those jobs wait for nobody */
  tagsWithoutWorkers: string[];
}

/** A histogram kept as counters: `cumulative[i]` observations were at most `bucketsMs[i]`; `count` is all of them. */
export interface CounterHistogram {
  count: number;
  sumMs: number;
  bucketsMs: number[];
  cumulative: number[];
}

/** Jobs that ended with `status`, per tag, since the database was created (retention never lowers it). */
export interface CompletionCounter {
  tag: string;
  status: 'success' | 'failure' | 'canceled';
  count: number;
  /** run time of the jobs that ran (canceled before starting: 0; reaped: not observed) */
  duration: { count: number; sumMs: number };
  /** from runnable (created or scheduled) to started */
  latency: { count: number; sumMs: number };
}

/** Run time and start latency of the jobs of one tag that ended, every status together. */
export interface TagHistograms {
  tag: string;
  duration: CounterHistogram;
  latency: CounterHistogram;
}

export interface WorkerInfo {
  name: string;
  group: string;
  tags: string[];
  dedicatedScript: string | null;
  pid: number | null;
  host: string | null;
  startedAt: Date;
  lastPing: Date;
  stoppedAt: Date | null;
  alive: boolean;
  jobsDone: number;
  currentJobs: string[];
}

export interface WorkerRegistration {
  name: string;
  group: string;
  tags: string[];
  dedicatedScript?: string | null;
  pid?: number;
  host?: string;
}
