import type { Db } from '@millrace/db';
import type { ClaimedJob, Completion, HeartbeatReport, Queue } from '@millrace/queue';
import { Completer, type CompleterOptions } from './completer';
import type { Executor, JobOutcome } from './executor';
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

  constructor(private readonly o: WorkerLoopOptions) {
    this.concurrency = o.concurrency;
    this.held = new HeldJobs(() => (this.executor ? this.concurrency : 0));
    this.completer = new Completer(o.queue, {
      ...o.completer,
      onFlushed: (ids) => this.onFlushed(ids),
      onError: o.onError,
    });
    this.producer = new Producer({
      queue: o.queue,
      db: o.db,
      worker: o.name,
      pollMs: o.pollMs,
      freeSlots: () => (this.executor ? this.held.freeSlots() : 0),
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

  /** Finishes in-flight jobs (or, past `timeoutMs`, abandons them to be reaped), then stops. */
  async stop({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.producer.setTags([]);
    await this.producer.stop();
    await this.releaseWaiting();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.whenIdle().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await this.executor?.close({ force: timedOut });
    if (!timedOut) await this.completer.drain();
    this.completer.close();
    await this.heartbeat.stop();
  }

  private accept(jobs: ClaimedJob[]): void {
    for (const job of jobs) this.held.add(job);
    this.pump();
  }

  /** Hands waiting jobs to the executor while slots are free, and ahead when it takes them. */
  private pump(): void {
    for (let held = this.held.next(this.takesAhead); held; held = this.held.next(this.takesAhead))
      void this.execute(held);
  }

  private readonly takesAhead = (job: ClaimedJob, running: number): number =>
    this.executor?.takesAhead?.(job, this.concurrency, running) ?? 0;

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
        },
        signal: held.abort.signal,
        env: this.env,
      });
      // The executor counts this job only from here: a job waiting to go ahead of it may go now.
      if (this.held.waitingCount > 0) this.pump();
      outcome = await running;
    } catch (err) {
      // the script version vanished or the executor broke its promise never to reject
      outcome = {
        status: 'failure',
        error: { message: `cannot run job: ${(err as Error).message}` },
        retryable: false,
      };
    }
    const durationMs = Date.now() - startedAt;
    this.held.finished(durationMs);
    this.pump();
    this.wakeProducerSoon();
    if (held.lost) {
      this.held.release(job.id);
      this.notifyIfIdle();
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

  private async releaseWaiting(): Promise<void> {
    const waiting = this.held.takeWaiting();
    if (waiting.length === 0) return;
    try {
      await this.o.queue.release(waiting.map((h) => ({ id: h.job.id, token: h.job.token })));
    } catch (err) {
      this.o.onError?.(err); // they stay claimed and are reaped later: not lost
    }
    for (const h of waiting) this.held.release(h.job.id);
  }

  private whenIdle(): Promise<void> {
    if (this.held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.held.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function canceledError() {
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
