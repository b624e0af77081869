import type { ClaimedJob, Job, JobStatus, WorkerInfo } from './types';

// Row → object mappers: the only place that knows the column names of the read queries.

type Row = Record<string, unknown>;

const date = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v as string));
const num = (v: unknown): number | null => (v == null ? null : Number(v));

// Written out in full, not built from a shared part with `...spread`: spreading one object into
// another made claiming 1000 jobs 2.5-3 ms slower (the claim's hot path), a fifth of its time.

/** The row's columns agree with its status (GET_JOB's joins): that is what the `Job` union states. */
export function toJob(r: Row): Job {
  return {
    id: r.id as string,
    path: r.path as string,
    hash: r.hash as string,
    tag: r.tag as string,
    status: r.status as JobStatus,
    args: r.args as Record<string, unknown>,
    result: r.result ?? null,
    error: (r.error as Job['error']) ?? null,
    worker: (r.worker as string) ?? null,
    attempt: Number(r.attempt),
    maxAttempts: Number(r.max_attempts),
    priority: Number(r.priority),
    timeoutMs: num(r.timeout_ms),
    rerunOf: (r.rerun_of as string) ?? null,
    concurrencyKey: (r.concurrency_key as string) ?? null,
    uniqueKey: (r.unique_key as string) ?? null,
    cancelRequested: Boolean(r.cancel_requested),
    createdAt: date(r.created_at) as Date,
    scheduledFor: date(r.scheduled_for),
    startedAt: date(r.started_at),
    completedAt: date(r.completed_at),
    durationMs: num(r.duration_ms),
  } as Job;
}

/** `get`'s row: the job and where it came from. */
export function toJobWithOrigin(r: Row): Job {
  const job = toJob(r);
  job.schedule =
    r.origin_schedule == null
      ? null
      : { name: r.origin_schedule as string, tick: date(r.origin_tick) as Date };
  job.failureOf = (r.origin_failure_of as string) ?? null;
  return job;
}

export function toClaimedJob(r: Row): ClaimedJob {
  return {
    id: r.id as string,
    token: r.token as string,
    path: r.path as string,
    hash: r.hash as string,
    tag: r.tag as string,
    args: r.args as Record<string, unknown>,
    attempt: Number(r.attempt),
    maxAttempts: Number(r.max_attempts),
    timeoutMs: num(r.timeout_ms),
    createdAt: new Date(r.created_at_ms as number),
    startedAt: new Date(r.started_at_ms as number),
  };
}

export function toWorkerInfo(r: Row): WorkerInfo {
  return {
    name: r.name as string,
    group: r.group_name as string,
    tags: r.tags as string[],
    dedicatedScript: (r.dedicated_script as string) ?? null,
    pid: num(r.pid),
    host: (r.host as string) ?? null,
    startedAt: date(r.started_at) as Date,
    lastPing: date(r.last_ping) as Date,
    stoppedAt: date(r.stopped_at),
    alive: Boolean(r.alive),
    jobsDone: Number(r.jobs_done),
    currentJobs: (r.current_jobs as string[]) ?? [],
  };
}
