import type { Db, Queryable } from '@millrace/db';
import { Settings } from '@millrace/settings';
import { completionColumns } from './completion-columns';
import { JobNotFoundError, WaitTimeoutError } from './errors';
import { type HandledFailure, pushFailureHandlerJobs } from './failure-handler-jobs';
import { History } from './history';
import { type JobDefinition, type JobId, pushTarget, typedRequests } from './job-definition';
import { JobEvents } from './job-events';
import { JobWaiters } from './job-waiters';
import { asQueryable, type HostClient, insertJobs } from './push';
import { toClaimedJob, toJob, toJobWithOrigin, toWorkerInfo } from './rows';
import { type FireReport, fireDueSchedules } from './schedule-firing';
import { CANCEL_JOB } from './sql/cancel-job';
import { CLAIM_JOBS } from './sql/claim-jobs';
import { COMPLETE_JOBS } from './sql/complete-jobs';
import { HEARTBEAT } from './sql/heartbeat';
import { APPEND_LOGS, LOG_CHUNKS } from './sql/logs';
import { GET_JOB, JOB_ATTEMPTS, listStatement, ORDERED_SCANS } from './sql/read-jobs';
import { ABANDON_JOBS, REAP_ZOMBIES } from './sql/reap-zombies';
import { TIMELINE, type TimelineJob, toTimelineJob } from './sql/timeline';
import {
  LIST_WORKERS,
  REGISTER_WORKER,
  RELEASE_JOBS,
  RELEASE_ORPHANED_CLAIMS,
  STOP_WORKER,
  UPDATE_WORKER_TAGS,
} from './sql/workers';
import { readCompletionCounters, readCounts, readTagHistograms, readThroughput } from './stats';
import { storableText } from './storable';
import {
  type ClaimedJob,
  type CompleteReport,
  type Completion,
  type CompletionCounter,
  FINISHED,
  type FinishedJob,
  type HeartbeatReport,
  type Job,
  type JobArgs,
  type JobAttempt,
  type JobPusher,
  type JobStatus,
  type ListFilter,
  type LogChunk,
  type PushOptions,
  type PushRequest,
  type QueueCounts,
  type TagHistograms,
  type WorkerInfo,
  type WorkerRegistration,
} from './types';
import { isJobId, type ValidPush, validatePush } from './validate';

export interface QueueOptions {
  /** shared Settings instance (default: a new one on the same db) */
  settings?: Settings;
  /** largest accepted args document (default 1 MiB) */
  maxArgsBytes?: number;
  /** retry backoff: base × 2^(attempt−1), capped (defaults 1 s and 1 h) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** lost attempts (dead worker) a job may have before it fails for good (default 3) */
  maxLostAttempts?: number;
  /** a worker whose last ping is older than this is not live (default 30 s) */
  workerLiveMs?: number;
  /** finished jobs, their logs and attempts are removed this long after they finish (default 30 days; 0 = keep forever) */
  retentionMs?: number;
  /** how long one history id range takes new jobs (default 1 day; see docs/history.md) */
  historyRangeMs?: number;
  /** how often `wait()` re-reads its job when no notification came, e.g. one lost while the
   *  listening connection reconnected (default 1 s) */
  waitPollMs?: number;
}

const MAX_LIST_LIMIT = 1000;

function isFinished<A, R>(job: Job<A, R>): job is FinishedJob<A, R> {
  return FINISHED.has(job.status);
}

/** The job lifecycle over one database: the producer side, the worker side and the read side. */
export class Queue {
  readonly settings: Settings;
  /** history upkeep: id ranges, retention, dead workers (run `history.start()` in one long-lived process or more) */
  readonly history: History;
  private readonly waiters: JobWaiters;
  private readonly maxArgsBytes: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxLostAttempts: number;
  private readonly workerLiveMs: number;

  constructor(
    readonly db: Db,
    private readonly options: QueueOptions = {},
  ) {
    this.settings = options.settings ?? new Settings(db);
    this.waiters = new JobWaiters(db, options.waitPollMs);
    this.maxArgsBytes = options.maxArgsBytes ?? 1024 * 1024;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 3_600_000;
    this.maxLostAttempts = options.maxLostAttempts ?? 3;
    this.workerLiveMs = options.workerLiveMs ?? 30_000;
    this.history = new History(db, {
      retentionMs: options.retentionMs,
      rangeMs: options.historyRangeMs,
      workerLiveMs: this.workerLiveMs,
    });
  }

  /**
   * This queue over another handle on its database — `db.ownConnection()` for statements that
   * must not wait behind the pool (the worker's heartbeat) — with the same options and settings.
   */
  onConnection(db: Db): Queue {
    return new Queue(db, { ...this.options, settings: this.settings });
  }

  // ── producer side ──────────────────────────────────────────────────────────

  /**
   * Pushes one job against the script's latest version; returns its id. Given a job definition
   * (`defineJob`), the args are typed (and checked by its `parseArgs`) and the id remembers the
   * result type for `wait` and `get`.
   */
  push<A extends object, R>(job: JobDefinition<A, R>, args: A, options?: PushOptions): Promise<JobId<A, R>>;
  push(path: string, args?: JobArgs, options?: PushOptions): Promise<string>;
  async push(target: string | JobDefinition<object>, args?: unknown, options: PushOptions = {}) {
    const [id] = await this.pushMany([{ ...options, ...pushTarget(target, args ?? {}) }]);
    return id;
  }

  /** Pushes many jobs in one statement, all or none; ids in input order. */
  pushMany<A extends object, R>(
    job: JobDefinition<A, R>,
    requests: (PushOptions & { args: A })[],
  ): Promise<JobId<A, R>[]>;
  pushMany(requests: PushRequest[]): Promise<string[]>;
  async pushMany(
    first: PushRequest[] | JobDefinition<object>,
    typed?: (PushOptions & { args: object })[],
  ): Promise<string[]> {
    // async: a refused request rejects the promise, never throws at the call
    return this.pushManyVia(Array.isArray(first) ? first : typedRequests(first, typed));
  }

  private async pushManyVia(requests: PushRequest[] | undefined, via?: Queryable): Promise<string[]> {
    if (!Array.isArray(requests))
      throw new TypeError('pushMany takes an array of { path, args, ...options }');
    if (requests.length === 0) return [];
    const valid = requests.map(({ path, args, ...options }) =>
      validatePush(path, args, options, this.maxArgsBytes),
    );
    return this.insertJobs(valid, undefined, via);
  }

  /** Pushes a new job with the same script version and args as `id`. */
  async rerun(id: string): Promise<string> {
    const job = await this.get(id);
    const valid: ValidPush = {
      path: job.path,
      argsJson: JSON.stringify(job.args),
      options: {
        tag: job.tag,
        priority: job.priority,
        timeoutMs: job.timeoutMs,
        maxAttempts: job.maxAttempts,
      },
    };
    const [newId] = await this.insertJobs([valid], { hash: job.hash, rerunOf: id });
    return newId;
  }

  private insertJobs(
    valid: ValidPush[],
    pin?: { hash: string; rerunOf: string },
    via?: Queryable,
  ): Promise<string[]> {
    return insertJobs(
      { settings: this.settings, history: this.history },
      via ?? this.db,
      via !== undefined,
      valid,
      pin,
    );
  }

  /**
   * `push` and `pushMany` on the host's own connection, inside its open transaction (a `pg`
   * client, a PGlite transaction): the jobs exist, and workers are woken, only if it commits.
   */
  within(client: HostClient): JobPusher {
    const via = asQueryable(client);
    return {
      push: async (path, args = {}, options = {}) =>
        (await this.pushManyVia([{ ...options, path, args }], via))[0],
      pushMany: (requests) => this.pushManyVia(requests, via),
    };
  }

  /** Runs `fn` in a transaction of this database; its pushes commit or roll back with it. */
  transaction<T>(fn: (tx: JobPusher & Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      fn({ query: (sql, params) => tx.query(sql, params), ...this.within(tx) }),
    );
  }

  /** Cancels a job: a queued one ends canceled now, a running one is stopped by its worker. */
  async cancel(id: string): Promise<{ status: 'canceled' | 'cancel_requested' | 'already_finished' }> {
    this.assertJobId(id);
    const error = JSON.stringify({
      name: 'CanceledError',
      message: 'canceled before it started',
      reason: 'canceled',
    });
    // A claim can move the row from queued to running between the two branches' snapshot and
    // their row lock; then neither matches and a second try sees the running row.
    for (let tries = 0; tries < 5; tries++) {
      const { rows } = await this.db.query<{ canceled: number; flagged: number }>(CANCEL_JOB, [id, error]);
      if (rows[0].canceled > 0) return { status: 'canceled' };
      if (rows[0].flagged > 0) return { status: 'cancel_requested' };
      const job = await this.get(id);
      if (FINISHED.has(job.status)) return { status: 'already_finished' };
    }
    return { status: 'cancel_requested' };
  }

  /**
   * Turns every due schedule tick into a job, exactly once across all schedulers (what the
   * `Scheduler` loop runs). `now` replaces the database clock, for tests and backfills.
   */
  fireDueSchedules({ now }: { now?: Date } = {}): Promise<FireReport> {
    return fireDueSchedules(this.db, { settings: this.settings, history: this.history }, { now });
  }

  /** Pushes the handler job of every recorded final failure not handed over yet (once per failure). */
  pushFailureHandlerJobs(): Promise<HandledFailure[]> {
    return pushFailureHandlerJobs(
      this.db,
      { settings: this.settings, history: this.history },
      { maxArgsBytes: this.maxArgsBytes },
    );
  }

  /** Subscribes to job events (completed, failed, retried, canceled): at most once, while connected. */
  events(): Promise<JobEvents> {
    return JobEvents.open(this.db);
  }

  // ── worker side ────────────────────────────────────────────────────────────

  /** Claims up to `limit` runnable jobs of `tags` for `worker`: one statement, SKIP LOCKED. */
  async claim(worker: string, tags: string[], limit: number): Promise<ClaimedJob[]> {
    if (limit <= 0 || tags.length === 0) return [];
    const { rows } = await this.db.query(CLAIM_JOBS, [worker, tags, Math.floor(limit)]);
    return rows.map(toClaimedJob);
  }

  /** Ends many claimed jobs in one statement; failures with attempts left are retried with backoff. */
  async complete(completions: Completion[]): Promise<CompleteReport> {
    if (completions.length === 0) return { completed: [], retried: [], stale: [] };
    const { columns, notStorable } = completionColumns(completions);
    const { rows } = await this.db.query<{ retried: string[]; removed: string[] | null }>(COMPLETE_JOBS, [
      ...columns,
      this.retryBaseMs,
      this.retryMaxMs,
    ]);
    // `removed` is null when every completion matched its job (see COMPLETE_JOBS)
    const retried = new Set(rows[0].retried);
    const removed = rows[0].removed && new Set(rows[0].removed);
    const report: CompleteReport = { completed: [], retried: [], stale: [] };
    if (notStorable.length > 0) report.notStorable = notStorable;
    for (const c of completions) {
      if (retried.has(c.id)) report.retried.push(c.id);
      else if (removed === null || removed.has(c.id)) report.completed.push(c.id);
      else report.stale.push(c.id);
    }
    return report;
  }

  /** Same as `complete` with one failure; kept for hosts that fail jobs one by one. */
  fail(
    id: string,
    token: string,
    error: { message: string; name?: string; stack?: string },
    retryable = true,
  ) {
    return this.complete([{ id, token, status: 'failure', error, retryable }]);
  }

  /** Pings `worker` and the jobs it holds; reports which were canceled and which were lost. */
  async heartbeat(
    worker: string,
    jobs: { id: string; token: string }[],
    jobsDone?: number,
  ): Promise<HeartbeatReport> {
    const { rows } = await this.db.query<{ id: string; cancel_requested: boolean }>(HEARTBEAT, [
      worker,
      JSON.stringify(jobs),
      jobsDone ?? null,
    ]);
    const owned = new Map(rows.map((r) => [r.id, r.cancel_requested]));
    return {
      canceled: rows.filter((r) => r.cancel_requested).map((r) => r.id),
      lost: jobs.filter((j) => !owned.has(j.id)).map((j) => j.id),
    };
  }

  /** Re-queues (or fails, when out of attempts) running jobs whose worker stopped pinging. */
  async reapZombies({ staleAfterMs = 30_000 }: { staleAfterMs?: number } = {}) {
    const { rows } = await this.db.query<{ id: string; requeue: boolean; worker: string }>(REAP_ZOMBIES, [
      staleAfterMs,
      this.maxLostAttempts,
    ]);
    return {
      requeued: rows.filter((r) => r.requeue).map((r) => r.id),
      failed: rows.filter((r) => !r.requeue).map((r) => r.id),
    };
  }

  /** Gives claimed jobs that never started back to the queue, without counting an attempt. */
  async release(jobs: { id: string; token: string }[]): Promise<string[]> {
    if (jobs.length === 0) return [];
    const { rows } = await this.db.query<{ id: string }>(RELEASE_JOBS, [JSON.stringify(jobs)]);
    return rows.map((r) => r.id);
  }

  /**
   * Gives back running jobs their worker interrupted (a stop past its timeout) at once, as the
   * reaper would once their pings went stale: a lost attempt is recorded (`error.reason` =
   * `worker_stopped`) and the job re-queued at its place in line, or failed when it has used up
   * its lost attempts; a job whose cancel was requested ends canceled. Returns the ids it touched.
   */
  async abandon(
    jobs: { id: string; token: string }[],
    message = 'its worker stopped before it ended',
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    const { rows } = await this.db.query<{ id: string }>(ABANDON_JOBS, [
      JSON.stringify(jobs),
      this.maxLostAttempts,
      storableText(message),
    ]);
    return rows.map((r) => r.id);
  }

  /**
   * Re-queues running jobs claimed by `worker` that it does not hold — claims whose reply was lost
   * with a dropped connection — without counting the attempt.
   */
  async releaseOrphanedClaims(worker: string, heldIds: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(RELEASE_ORPHANED_CLAIMS, [worker, heldIds]);
    return rows.map((r) => r.id);
  }

  /**
   * Stores log chunks (any jobs, any attempts) in one statement; re-sent chunks are ignored.
   * NUL and unpaired surrogates, which PostgreSQL text cannot hold, are stored as U+FFFD.
   */
  async appendLogs(chunks: LogChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const rows = chunks.map((c) => ({
      id: c.id,
      attempt: c.attempt,
      seq: c.seq,
      text: storableText(c.text),
    }));
    await this.db.query(APPEND_LOGS, [JSON.stringify(rows)]);
  }

  async registerWorker(w: WorkerRegistration): Promise<void> {
    await this.db.query(REGISTER_WORKER, [
      w.name,
      w.group,
      w.tags,
      w.dedicatedScript ?? null,
      w.pid ?? null,
      w.host ?? null,
    ]);
  }

  async updateWorker(name: string, w: Omit<WorkerRegistration, 'name'>): Promise<void> {
    await this.db.query(UPDATE_WORKER_TAGS, [name, w.group, w.tags, w.dedicatedScript ?? null]);
  }

  async stopWorker(name: string, jobsDone?: number): Promise<void> {
    await this.db.query(STOP_WORKER, [name, jobsDone ?? null]);
  }

  // ── read side ──────────────────────────────────────────────────────────────

  /** The job in its current state; a typed id (from pushing a `defineJob`) types its args and result. */
  // (The untyped overload comes last so that `ReturnType<typeof queue.get>` is the untyped one.)
  get<A extends object = JobArgs, R = unknown>(id: JobId<A, R>): Promise<Job<A, R>>;
  get(id: string): Promise<Job>;
  async get(id: string): Promise<Job> {
    this.assertJobId(id);
    const { rows } = await this.db.query(GET_JOB, [id]);
    if (rows.length === 0) throw new JobNotFoundError(id);
    return toJobWithOrigin(rows[0]);
  }

  /** Waits for the job to finish (woken by NOTIFY); throws WaitTimeoutError after `timeoutMs`. */
  wait<A extends object = JobArgs, R = unknown>(
    id: JobId<A, R>,
    options?: { timeoutMs?: number },
  ): Promise<FinishedJob<A, R>>;
  wait(id: string, options?: { timeoutMs?: number }): Promise<FinishedJob>;
  async wait(id: string, { timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<FinishedJob> {
    await this.get(id);
    const job = await this.waiters.until(
      id,
      async () => {
        const j = await this.get(id);
        return isFinished(j) ? j : null;
      },
      timeoutMs,
    );
    if (!job) throw new WaitTimeoutError(id, timeoutMs);
    return job;
  }

  async list(filter: ListFilter = {}): Promise<Job[]> {
    const statuses = filter.status === undefined ? null : ([] as JobStatus[]).concat(filter.status);
    if (filter.before !== undefined) this.assertJobId(filter.before);
    const limit = Math.min(Math.max(Math.floor(filter.limit ?? 100), 1), MAX_LIST_LIMIT);
    const { sql, orderedScans } = listStatement(statuses);
    const params = [
      statuses,
      filter.path ?? null,
      filter.tag ?? null,
      filter.worker ?? null,
      limit,
      filter.before ?? null,
    ];
    const { rows } = orderedScans
      ? await this.db.transaction(async (tx) => {
          await tx.query(ORDERED_SCANS);
          return tx.query(sql, params);
        })
      : await this.db.query(sql, params);
    return rows.map(toJob);
  }

  /** The job's logs as one text, every attempt in order. */
  async logs(id: string): Promise<string> {
    const chunks = await this.logChunks(id, { limit: 1_000_000 });
    return chunks.map((c) => c.text).join('');
  }

  /** Log chunks after a position, for streaming (`after` is the last chunk already seen). */
  async logChunks(
    id: string,
    { after, limit = 1000 }: { after?: { attempt: number; seq: number }; limit?: number } = {},
  ): Promise<LogChunk[]> {
    this.assertJobId(id);
    const { rows } = await this.db.query<{ attempt: number; seq: number; text: string }>(LOG_CHUNKS, [
      id,
      after?.attempt ?? -1,
      after?.seq ?? -1,
      limit,
    ]);
    return rows.map((r) => ({ id, attempt: Number(r.attempt), seq: Number(r.seq), text: r.text }));
  }

  /** Earlier attempts of a job that did not end it (failed and retried, or lost with a worker). */
  async attempts(id: string): Promise<JobAttempt[]> {
    this.assertJobId(id);
    const { rows } = await this.db.query<Record<string, unknown>>(JOB_ATTEMPTS, [id]);
    return rows.map((r) => ({
      attempt: Number(r.attempt),
      status: r.status as JobAttempt['status'],
      error: (r.error as JobAttempt['error']) ?? null,
      worker: (r.worker as string) ?? null,
      startedAt: (r.started_at as Date) ?? null,
      endedAt: r.ended_at as Date,
    }));
  }

  /** Jobs per status (finished ones from the counters: every job ever ended) and per tag in the queue. */
  counts(): Promise<QueueCounts> {
    return readCounts(this.db, this.workerLiveMs);
  }

  /** Completed jobs per tag in buckets over the last `minutes` (an hour at most is kept). */
  throughput({ minutes = 10, bucketSeconds = 10 }: { minutes?: number; bucketSeconds?: number } = {}) {
    return readThroughput(this.db, minutes, bucketSeconds);
  }

  /** Exact totals of ended jobs per tag and status (with run time and start latency sums). */
  completionCounters(): Promise<CompletionCounter[]> {
    return readCompletionCounters(this.db);
  }

  /** Run time and start latency histograms of ended jobs per tag, from counters. */
  completionHistograms(): Promise<TagHistograms[]> {
    return readTagHistograms(this.db);
  }

  /**
   * Jobs running now and jobs finished in the last `windowMs` (at most `limit` of each), for the
   * timeline: a bounded read whose cost does not grow with the history.
   */
  async timeline({
    windowMs = 30_000,
    limit = 2000,
  }: {
    windowMs?: number;
    limit?: number;
  } = {}): Promise<TimelineJob[]> {
    const seconds = Math.min(Math.max(windowMs, 1), 3_600_000) / 1000;
    const max = Math.min(Math.max(Math.floor(limit), 1), 10_000);
    const { rows } = await this.db.query<Record<string, unknown>>(TIMELINE, [seconds, max]);
    return rows.map(toTimelineJob);
  }

  async workers({ seenWithinMs = 600_000 }: { seenWithinMs?: number } = {}): Promise<WorkerInfo[]> {
    const { rows } = await this.db.query(LIST_WORKERS, [seenWithinMs, this.workerLiveMs]);
    return rows.map(toWorkerInfo);
  }

  private assertJobId(id: string): void {
    if (!isJobId(id)) throw new JobNotFoundError(String(id));
  }
}
