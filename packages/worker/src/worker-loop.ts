import type { Db } from '@millrace/db';
import type { ClaimedJob, Completion, HeartbeatReport, Queue } from '@millrace/queue';
import { Completer, type CompleterOptions, type CompleterStatus } from './completer';
import type { Executor, JobError, JobOutcome } from './executor';
import { GiveBack, type GiveBackCounts } from './give-back';
import { Heartbeat, type HeartbeatOptions } from './heartbeat';
import { type HeldJob, HeldJobs } from './held-jobs';
import { Producer } from './producer';
import type { ScriptCodeCache } from './script-code';

export interface WorkerLoopOptions {
  db: Db;
  queue: Queue;
  name: string;
  code: ScriptCodeCache;
  concurrency: number;
  /** log bytes kept per job attempt; the rest is dropped with a note (default 10 MiB) */
  maxLogBytes?: number;
  pollMs?: number;
  heartbeat?: Pick<HeartbeatOptions, 'pingMs' | 'reapEveryMs' | 'staleAfterMs'>;
  completer?: Pick<CompleterOptions, 'maxBatch' | 'flushDelayMs' | 'logFlushMs' | 'maxPending'>;
  onError?: (err: unknown) => void;
}

/** What a stop did with the jobs the worker held. */
export interface StopReport extends GiveBackCounts {
  /** the stop's timeout passed with jobs still running: they were aborted and given back */
  timedOut: boolean;
  /** finished jobs whose outcome could not be written (database unreachable): the reaper re-runs them */
  completionsDropped: number;
}

export interface WorkerLoopStatus {
  state: 'running' | 'stopping' | 'stopped';
  /** false while stopping, or while writes fail */
  claiming: boolean;
  /** jobs claimed and not yet written as finished */
  held: number;
  writes: CompleterStatus;
}

/**
 * The loop every worker runs: the Producer claims, the Executor runs, the Completer writes back,
 * the Heartbeat keeps claims alive. The executor can be swapped while running (a group turned
 * dedicated or generic): claiming pauses, in-flight jobs finish, then the new executor takes over.
 */
export class WorkerLoop {
  private readonly held: HeldJobs;
  private readonly producer: Producer;
  private readonly completer: Completer;
  private readonly heartbeat: Heartbeat;
  private executor: Executor | null = null;
  private env: Record<string, string> = {};
  private concurrency: number;
  private jobsDone = 0;
  private idleWaiters: (() => void)[] = [];
  private producerWakeQueued = false;
  private readonly giveBack: GiveBack;
  private state: WorkerLoopStatus['state'] = 'running';
  private stopping: Promise<StopReport> | null = null;
  /** when a stop gives up waiting for in-flight jobs (epoch ms) */
  private deadline = Number.POSITIVE_INFINITY;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private onDeadline: () => void = () => {};

  constructor(private readonly o: WorkerLoopOptions) {
    this.concurrency = o.concurrency;
    this.held = new HeldJobs(() => (this.executor ? this.concurrency : 0));
    this.completer = new Completer(o.queue, {
      ...o.completer,
      onFlushed: (ids) => this.onFlushed(ids),
      onError: o.onError,
      // claiming resumes once a write succeeds again
      onFailing: (failing) => failing || this.producer.wake(),
    });
    this.giveBack = new GiveBack({
      queue: o.queue,
      message: () => `worker ${o.name} stopped before the job ended (its stop timed out)`,
      onDone: (jobs) => {
        for (const h of jobs) this.held.release(h.job.id);
        this.notifyIfIdle();
      },
      onError: o.onError,
    });
    this.producer = new Producer({
      queue: o.queue,
      db: o.db,
      worker: o.name,
      pollMs: o.pollMs,
      // a worker whose results cannot be written takes no more work
      freeSlots: () => (this.executor && !this.completer.failing ? this.held.freeSlots() : 0),
      onJobs: (jobs) => this.accept(jobs),
      onError: o.onError,
      releaseOrphans: async () => {
        await o.queue.releaseOrphanedClaims(o.name, [...this.held.byId.keys()]);
      },
    });
    this.heartbeat = new Heartbeat({
      queue: o.queue,
      db: o.db,
      worker: o.name,
      ...o.heartbeat,
      held: () => this.held.tokens(),
      jobsDone: () => this.jobsDone,
      onReport: (report) => this.onHeartbeat(report),
      onError: o.onError,
    });
  }

  get done(): number {
    return this.jobsDone;
  }

  get status(): WorkerLoopStatus {
    const writes = this.completer.status;
    return {
      state: this.state,
      claiming: this.state === 'running' && !writes.failing,
      held: this.held.size,
      writes,
    };
  }

  async start(executor: Executor, tags: string[], env: Record<string, string>): Promise<void> {
    this.executor = executor;
    this.env = env;
    await this.heartbeat.start();
    await this.producer.start(tags);
  }

  /** New tags or concurrency for the same executor: applies to the next claim. */
  reconfigure(tags: string[], concurrency: number): void {
    this.concurrency = concurrency;
    this.producer.setTags(tags);
    this.pump();
  }

  /** Replaces the executor: stop claiming, let held jobs finish, close the old one, go on. */
  async swapExecutor(
    next: Executor,
    tags: string[],
    env: Record<string, string>,
    concurrency: number,
  ): Promise<void> {
    const previous = this.executor;
    this.producer.setTags([]);
    await this.releaseWaiting();
    await this.whenIdle();
    await previous?.close();
    this.executor = next;
    this.env = env;
    this.concurrency = concurrency;
    this.producer.setTags(tags);
  }

  /**
   * Stops claiming, hands back at once the jobs that never started (prefetched, or handed ahead
   * into a runtime), and lets in-flight jobs finish until `deadline` (epoch ms). Past it, every
   * in-flight job's signal is aborted, the executor closed with force, and whatever did not succeed
   * is abandoned: back in the queue as a lost attempt, nothing left for the reaper. Calling it
   * again with an earlier deadline (a second signal) moves the deadline.
   */
  stop({ deadline }: { deadline: number }): Promise<StopReport> {
    this.hurry(deadline);
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  /** Moves the stop's deadline earlier (also before stop() is called). */
  hurry(deadline: number): void {
    if (deadline >= this.deadline) return;
    this.deadline = deadline;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => this.onDeadline(), Math.max(0, deadline - Date.now()));
    if (this.state === 'stopping') void this.completer.drain(deadline); // a write retrying now gives up sooner
  }

  private async runStop(): Promise<StopReport> {
    this.state = 'stopping';
    this.producer.setTags([]);
    await this.producer.stop();
    await this.releaseWaiting();
    // a job handed ahead has not begun: the runtime drops it when its signal aborts
    for (const held of this.held.inExecutor()) if (!held.begun) this.abortForStop(held);
    const timedOut = !(await this.idleOrDeadline());
    if (timedOut) await this.interruptInFlight();
    else await this.executor?.close();
    await this.giveBack.settled();
    // past the deadline a failed write is not retried: what is left is dropped and reaped later
    await this.completer.drain(this.deadline);
    const completionsDropped = this.completer.close();
    await this.heartbeat.stop();
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.state = 'stopped';
    return { ...this.giveBack.counts, timedOut, completionsDropped };
  }

  /** true once every held job is written, false when the deadline comes first */
  private idleOrDeadline(): Promise<boolean> {
    if (this.held.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      this.idleWaiters.push(() => resolve(true));
      this.onDeadline = () => resolve(false);
      if (Date.now() >= this.deadline) resolve(false);
    });
  }

  private async interruptInFlight(): Promise<void> {
    const inFlight = this.held.inExecutor();
    for (const held of inFlight) this.abortForStop(held);
    await this.executor?.close({ force: true });
    // the outcomes of the runs the close just ended arrive on this turn
    await new Promise((resolve) => setImmediate(resolve));
    for (const held of inFlight) {
      if (held.ended) continue;
      // still running (a handler that ignores its signal): it is given back now, its late outcome ignored
      held.lost = true;
      this.giveBack.add(held, 'abandon');
    }
  }

  private abortForStop(held: HeldJob): void {
    if (held.cancelRequested) return; // it ends canceled
    held.givenBack = true;
    held.abort.abort();
  }

  private accept(jobs: ClaimedJob[]): void {
    for (const job of jobs) this.held.add(job);
    this.pump();
  }

  /** Hands waiting jobs to the executor while slots are free, and ahead when it takes them. */
  private pump(): void {
    for (let held = this.held.next(this.capacity); held; held = this.held.next(this.capacity))
      void this.execute(held);
  }

  private readonly capacity = (job: ClaimedJob) => this.executor?.capacity?.(job);

  private async execute(held: HeldJob): Promise<void> {
    const { job } = held;
    let startedAt = Date.now();
    let outcome: JobOutcome;
    try {
      const { code, language } = await this.o.code.get(job.path, job.hash);
      // The clock starts once the code is here: fetching a version the first time is not run time.
      startedAt = Date.now();
      // the fields ExecutableJob names, written out: `{ ...job, code, language }` cost ~1.8 µs a job
      const executable = {
        id: job.id,
        path: job.path,
        hash: job.hash,
        language,
        code,
        args: job.args,
        attempt: job.attempt,
        timeoutMs: job.timeoutMs,
      };
      const running = (this.executor as Executor).run(executable, {
        onLog: (text) => this.log(held, text),
        // a job handed ahead starts later, when the executor has a slot for it
        onStart: (at) => {
          startedAt = at;
          held.begun = true;
        },
        signal: held.abort.signal,
        env: this.env,
      });
      outcome = await running;
    } catch (err) {
      // the script version vanished or the executor broke its promise never to reject
      outcome = {
        status: 'failure',
        error: { message: `cannot run job: ${(err as Error).message}` },
        retryable: false,
      };
    }
    held.ended = true;
    const durationMs = Date.now() - startedAt;
    this.held.finished(held, durationMs);
    this.pump();
    this.wakeProducerSoon();
    if (held.lost) {
      this.held.release(job.id);
      this.notifyIfIdle();
      return;
    }
    if (held.givenBack && !held.cancelRequested && outcome.status !== 'success') {
      this.giveBack.add(held, held.begun ? 'abandon' : 'release');
      return;
    }
    const completion = toCompletion(held, outcome, startedAt, durationMs);
    await this.completer.add(completion);
  }

  /**
   * A slot freed: the producer should look again, but only once the jobs just started are on
   * their way. Woken at once, its claim (building the statement, writing it to the socket) would
   * run in the microtasks between the end of one job and the start of the next (measured
   * 0.1-0.5 ms at one job at a time). One wake per turn of the event loop, however many jobs ended.
   */
  private wakeProducerSoon(): void {
    if (this.producerWakeQueued) return;
    this.producerWakeQueued = true;
    setImmediate(() => {
      this.producerWakeQueued = false;
      this.producer.wake();
    });
  }

  private log(held: HeldJob, text: string): void {
    if (held.logCapped || held.lost) return;
    const max = this.o.maxLogBytes ?? 10 * 1024 * 1024;
    held.logBytes += Buffer.byteLength(text);
    if (held.logBytes > max) {
      held.logCapped = true;
      text = `\n[millrace] log output truncated after ${max} bytes\n`;
    }
    this.completer.addLog({ id: held.job.id, attempt: held.job.attempt, seq: held.logSeq++, text });
  }

  private onFlushed(ids: string[]): void {
    for (const id of ids) this.held.release(id);
    this.jobsDone += ids.length;
    this.producer.wake();
    this.notifyIfIdle();
  }

  private onHeartbeat(report: HeartbeatReport): void {
    for (const id of report.canceled) {
      const held = this.held.byId.get(id);
      if (!held) continue;
      held.cancelRequested = true;
      if (this.held.dropWaiting(id)) {
        void this.completer.add({ id, token: held.job.token, status: 'canceled', error: canceledError() });
      } else held.abort.abort();
    }
    for (const id of report.lost) {
      const held = this.held.byId.get(id);
      if (!held) continue;
      held.lost = true;
      held.abort.abort();
      if (this.held.dropWaiting(id)) this.held.release(id);
    }
    this.notifyIfIdle();
  }

  /** Gives the jobs still waiting for a slot back to the queue (they stay claimed if that fails: reaped later). */
  private async releaseWaiting(): Promise<void> {
    for (const held of this.held.takeWaiting()) this.giveBack.add(held, 'release');
    await this.giveBack.settled();
  }

  private whenIdle(): Promise<void> {
    if (this.held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.held.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function canceledError(): JobError {
  return { name: 'CanceledError', message: 'canceled', reason: 'canceled' };
}

function toCompletion(held: HeldJob, outcome: JobOutcome, startedAt: number, durationMs: number): Completion {
  // written out rather than spread from a shared base: this runs once per job
  const { id, token } = held.job;
  if (outcome.status === 'success')
    return { id, token, startedAt, durationMs, status: 'success', result: outcome.result };
  if (outcome.status === 'canceled' || held.abort.signal.aborted)
    return { id, token, startedAt, durationMs, status: 'canceled', error: canceledError() };
  return {
    id,
    token,
    startedAt,
    durationMs,
    status: 'failure',
    error: outcome.error,
    retryable: outcome.retryable,
  };
}
