// The data shapes of docs/http-api.md, as the UI receives them.

export type JobStatus = 'queued' | 'running' | 'success' | 'failure' | 'canceled';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'success', 'failure', 'canceled'];

export type JobError = { message: string; name?: string; stack?: string; reason?: string };

export type Job = {
  id: string;
  path: string;
  hash: string;
  tag: string;
  status: JobStatus;
  args?: Record<string, unknown>;
  result?: unknown;
  error: JobError | null;
  worker: string | null;
  attempt: number;
  maxAttempts: number;
  priority: number;
  timeoutMs: number | null;
  concurrencyKey: string | null;
  uniqueKey: string | null;
  createdAt: string;
  scheduledFor: string;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  /** GET /api/jobs/:id only: the schedule tick that pushed it */
  schedule?: { name: string; tick: string } | null;
  /** GET /api/jobs/:id only: the failed job this failure handler run was pushed for */
  failureOf?: string | null;
};

/** What a deploy can be written in. */
export type Language = 'typescript' | 'javascript' | 'python';
export const LANGUAGES: readonly Language[] = ['typescript', 'javascript', 'python'];
/** A script's language: a deploy language, or `handler` for an in-host handler a worker registered. */
export type ScriptLanguage = Language | 'handler';

export type ScriptSettings = {
  dedicated: boolean;
  tag: string | null;
  timeoutMs: number | null;
  maxAttempts: number;
  priority: number;
  /** running jobs at once across every worker; null: no limit (docs/flow-control.md) */
  maxRunning: number | null;
  /** starts per sliding window; null: no limit */
  rateLimit: RateLimit | null;
};

export type RateLimit = { max: number; windowMs: number };

export type Script = {
  path: string;
  hash: string;
  version: number;
  language: ScriptLanguage;
  content?: string;
  createdAt: string;
  settings: ScriptSettings;
  resolvedTag: string;
};

/** What a version was locked to at deploy (docs/dependencies.md); null: it imports only Node built-ins. */
export type ScriptDependencies = {
  lockHash: string | null;
  packages: { name: string; version: string; integrity: string | null; direct: boolean }[];
  scripts: { path: string; version: number; hash: string }[];
};

export type ScriptVersion = {
  version: number;
  hash: string;
  createdAt: string;
  dependencies?: ScriptDependencies | null;
};

export type WorkerGroup = {
  name: string;
  tags: string[];
  dedicatedWorker: string | null;
  concurrency: number;
  env: Record<string, string>;
  initScript: string | null;
  updatedAt: string;
};

export type WorkerGroupInput = Omit<WorkerGroup, 'name' | 'updatedAt'>;

export type Worker = {
  name: string;
  group: string;
  tags: string[];
  dedicatedScript: string | null;
  pid: number;
  host: string;
  startedAt: string;
  lastPing: string;
  alive: boolean;
  jobsDone: number;
  currentJobs: string[];
  jobsPerSecond: number;
};

export type Counts = {
  byStatus: Record<JobStatus, number>;
  byTag: { tag: string; queued: number; running: number }[];
  tagsWithoutWorkers: string[];
};

export type Throughput = {
  from: string;
  to: string;
  bucketSeconds: number;
  timestamps: number[];
  series: { tag: string; values: number[] }[];
};

export type JobInput = {
  path: string;
  args?: Record<string, unknown>;
  tag?: string;
  priority?: number;
  scheduledFor?: string;
  timeoutMs?: number;
  maxAttempts?: number;
};

export type JobFilter = { status?: string; path?: string; tag?: string; worker?: string };

export type Timeline = {
  /** the server's clock (epoch ms) when it answered */
  now: number;
  windowMs: number;
  jobs: import('./lanes').TimelineBar[];
  workers: import('./lanes').WorkerInfo[];
};

export type JobAttempt = {
  attempt: number;
  status: 'failure' | 'lost';
  error: JobError | null;
  worker: string | null;
  startedAt: string | null;
  endedAt: string;
};

/** GET /api/failure-handlers (docs/schedules.md#failure-handlers) */
export type FailureHandler = {
  scope: 'script' | 'group';
  target: string;
  handler: string;
  updatedAt: string;
};

/** Whose final failures a handler receives: a script's jobs, or a worker group's. */
export type FailureHandlerTarget = { script: string } | { group: string };

/** GET /api/schedules (docs/schedules.md) */
export type Schedule = {
  name: string;
  path: string;
  cron: string;
  timezone: string;
  args: Record<string, unknown>;
  enabled: boolean;
  catchUp: 'one' | 'skip';
  nextTick: string | null;
  nextRuns: string[];
  lastTick: string | null;
  lastRun: { id: string; status: JobStatus; completedAt: string | null } | null;
};

export type ScheduleInput = Partial<
  Pick<Schedule, 'path' | 'cron' | 'timezone' | 'args' | 'enabled' | 'catchUp'>
>;
