// The contract between the worker loop and whatever runs a job. The loop (Producer, Completer,
// Heartbeat) does not care whether a job runs in a fresh process, a warm thread or the host's
// own function: it hands an Executor a ClaimedJob and gets a JobOutcome back.
import type { JobError } from '@millrace/queue';

export type { JobError };

/** A job as the worker loop hands it to an executor. */
export interface ExecutableJob {
  id: string;
  /** script path, e.g. `f/billing/charge` */
  path: string;
  /** content hash of the script version this job runs */
  hash: string;
  /** `handler`: an in-host handler's path, with no code — only a worker holding the handler runs it */
  language: 'typescript' | 'javascript' | 'python' | 'handler';
  /** runnable code of that version: ESM JavaScript (TypeScript already transpiled at deploy) or Python source */
  code: string;
  args: Record<string, unknown>;
  /** 1-based attempt number */
  attempt: number;
  /** null: no timeout */
  timeoutMs: number | null;
}

export interface JobContext {
  /** called with each chunk of output (stdout/stderr/console.*) while the job runs, in order */
  onLog(text: string): void;
  /** aborted when the job is canceled; the executor stops the job and resolves `{ status: 'canceled' }` */
  signal: AbortSignal;
  /** environment variables the job may see (the worker group's env) — nothing else from the worker */
  env: Record<string, string>;
  /** called when the job really starts (epoch ms), if the executor may hold it before running it */
  onStart?(startedAtMs: number): void;
}

export type JobOutcome =
  | { status: 'success'; result: unknown }
  /** `retryable: false` means: fail for good even if attempts remain (e.g. invalid script) */
  | { status: 'failure'; error: JobError; retryable?: boolean }
  | { status: 'canceled' };

/** How many jobs of one kind an executor runs at once, and how many it holds in all. */
export interface Capacity {
  /** jobs with the same key share the same slots (one executor's runtimes of a script version, a handler's path) */
  key: string;
  /** it never runs more than this many jobs of the key at once */
  runs: number;
  /** it accepts this many of them in all: those running, and those it starts itself as slots free */
  holds: number;
}

export interface Executor {
  /** Runs one job. Never rejects: every way a job can end is a JobOutcome. */
  run(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome>;
  /**
   * What it can hold of jobs like `job` (absent: only what the worker's free slots allow). The
   * worker hands it such a job beyond its own free slots only while every job it has handed it
   * shares the key and the executor runs no more of them at once than the worker's concurrency.
   */
  capacity?(job: Pick<ExecutableJob, 'path' | 'hash'>): Capacity | undefined;
  /** Stops accepting jobs and releases processes/threads. In-flight runs finish first unless `force`. */
  close(opts?: { force?: boolean }): Promise<void>;
}
