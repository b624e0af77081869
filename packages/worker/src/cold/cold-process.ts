// One fresh `node` process running the cold wrapper, used for exactly one job and then gone.
// It owns the process's temp dir (its cwd, HOME and TMPDIR), its env, its output and its end.
// The process is confined (docs/isolation.md): its own PID namespace where the host allows it,
// a memory cap, optionally another user; stopping it stops everything it started.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killConfinedJob, type RunAs, signalConfined, spawnConfined } from '@millrace/dedicated-runner';
import type { JobError } from '../executor';
import { EndMarkReader } from './end-mark';
import { wrapperReply } from './wrapper-reply';

/** What the wrapper says on its IPC channel; see runtime/cold-wrapper.mjs. */
export type WrapperReply =
  | { type: 'result'; json: string }
  | { type: 'error'; error: JobError; retryable?: boolean }
  | { type: 'uncaught'; error: JobError };

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** set when `node` itself could not be started */
  spawnError?: Error;
}

export interface ColdProcessOptions {
  nodePath: string;
  wrapperPath: string;
  env: Record<string, string>;
  /** RLIMIT_DATA of the job's processes, MiB */
  memoryLimitMb?: number;
  runAs?: RunAs;
}

// The only thing a job inherits besides its group env: enough PATH to find common tools.
const MINIMAL_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * How long an answered process stays, frozen, before it is killed. Its teardown (freeing a node
 * heap, a PID namespace) costs every core of the host a few ms; done the moment it answers, it
 * lands exactly when the next job starts (measured: docs/isolation.md, "Cost of isolation").
 */
export const PARK_MS = 50;

export class ColdProcess {
  readonly env: Record<string, string>;
  /** written by the wrapper after its last output, in place of end-of-file (see end-mark.ts) */
  readonly endMark = `\0millrace-end-${randomBytes(12).toString('hex')}\0`;
  /** true once the wrapper is loaded and waiting; false if the process ended first */
  readonly ready: Promise<boolean>;
  /** the wrapper is calling the job's main, or it answered or ended without doing so */
  readonly begun: Promise<void>;
  /** true once a job was handed to it (`send`); false if the process ended first */
  readonly handedOver: Promise<boolean>;
  /** the wrapper answered and closed its output: the job is over, though node may still be exiting */
  readonly answered: Promise<void>;
  /** the process exited, its output is drained and its temp dir removed */
  readonly ended: Promise<ProcessEnd>;
  #hasEnded = false;
  #isReady = false;
  #reply: WrapperReply | undefined;
  #output: ((chunk: Buffer) => void) | undefined;
  readonly #early: Buffer[] = [];
  readonly #child: ChildProcess;
  readonly #handedOver: { promise: Promise<boolean>; resolve: (value: boolean) => void };
  #killTimer: NodeJS.Timeout | undefined;

  constructor(options: ColdProcessOptions) {
    this.env = options.env;
    const dir = mkdtempSync(join(tmpdir(), 'millrace-job-'));
    if (options.runAs) chownSync(dir, options.runAs.uid, options.runAs.gid);
    const env = { PATH: MINIMAL_PATH, ...options.env, HOME: dir, TMPDIR: dir };
    // It leads its own process group (and namespace), so a kill also reaches anything the script spawned.
    this.#child = spawnConfined([options.nodePath, options.wrapperPath], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      memoryLimitMb: options.memoryLimitMb,
      runAs: options.runAs,
    });
    const child = this.#child;
    const ready = deferred<boolean>();
    const answered = deferred<void>();
    const begun = deferred<void>();
    this.begun = begun.promise;
    this.#handedOver = deferred<boolean>();
    this.ready = ready.promise;
    this.handedOver = this.#handedOver.promise;
    ready.promise.then((isReady) => {
      this.#isReady = isReady;
    });
    this.answered = answered.promise;
    // Waiting for the wrapper's answer and for end-of-output on both streams saves node's exit time
    // (~5 ms a job) while every log line still arrives before the outcome.
    let pending = 3;
    const step = () => {
      if (--pending === 0) answered.resolve();
    };
    const mark = Buffer.from(this.endMark);
    for (const stream of [child.stdout, child.stderr]) {
      const reader = new EndMarkReader(mark, (chunk) => this.#onOutput(chunk), step);
      stream?.on('data', (chunk: Buffer) => reader.write(chunk));
      stream?.once('end', () => reader.end());
    }
    child.on('message', (message: { type?: unknown } | null) => {
      if (message?.type === 'ready') ready.resolve(true);
      else if (message?.type === 'started') begun.resolve();
      else if (!this.#reply) {
        // a job that could not load answers without beginning: nothing to hold for any longer
        begun.resolve();
        this.#reply = wrapperReply(message);
        step();
      }
    });
    // Grandchildren left behind would keep the output pipes open (and run on); end them with the job.
    child.on('exit', () => this.#signalGroup('SIGKILL'));
    this.ended = new Promise((resolve) => {
      const finish = (end: ProcessEnd) => {
        if (this.#hasEnded) return;
        this.#hasEnded = true;
        clearTimeout(this.#killTimer);
        ready.resolve(false);
        begun.resolve();
        this.#handedOver.resolve(false);
        rm(dir, { recursive: true, force: true, maxRetries: 3 }).then(
          () => resolve(end),
          () => resolve(end),
        );
      };
      child.on('close', (code, signal) => finish({ code, signal }));
      child.on('error', (err) => {
        // 'error' without a pid: node never started, and no 'close' will follow.
        if (child.pid === undefined) finish({ code: null, signal: null, spawnError: err });
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get hasEnded(): boolean {
    return this.#hasEnded;
  }

  /** the wrapper is loaded and waiting for its job (and has not ended) */
  get isReady(): boolean {
    return this.#isReady && !this.#hasEnded;
  }

  /** the first message after 'ready': the job's result or error */
  get reply(): WrapperReply | undefined {
    return this.#reply;
  }

  /** Routes output to `sink`, including anything printed before the job was attached. */
  attachOutput(sink: (chunk: Buffer) => void): void {
    this.#output = sink;
    for (const chunk of this.#early.splice(0)) sink(chunk);
  }

  /** Hands the job over; returns the error if the channel is already gone. */
  send(message: object): Error | undefined {
    try {
      this.#child.send(message);
      this.#handedOver.resolve(true);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /**
   * For a process that answered: freeze it (with everything it started) now, kill it after
   * `PARK_MS`, off the next job's start. Nothing of the job runs after its answer.
   */
  retire(graceMs: number): void {
    if (this.#hasEnded || this.#killTimer) return;
    this.setKeepsHostAlive(true);
    this.#signalGroup('SIGSTOP');
    this.#killTimer = setTimeout(() => {
      killConfinedJob(this.#child.pid);
      // Its outer wrapper (`unshare`) was frozen too: thawed, it reaps the init and exits. Only it:
      // thawing the group would let the job's other processes run until the namespace is gone.
      try {
        if (this.#child.pid !== undefined) process.kill(this.#child.pid, 'SIGCONT');
      } catch {
        // ESRCH: it is gone
      }
      this.#killTimer = setTimeout(() => this.#signalGroup('SIGKILL'), graceMs);
    }, PARK_MS);
  }

  /** SIGTERM now, SIGKILL after `graceMs` if it is still running. */
  terminate(graceMs: number): void {
    if (this.#hasEnded || this.#killTimer) return;
    // Whoever stops a process waits for its end; an unref'd spare would let the host exit first.
    this.setKeepsHostAlive(true);
    this.#signalGroup('SIGTERM');
    this.#killTimer = setTimeout(() => this.#signalGroup('SIGKILL'), graceMs);
  }

  /** An idle spare must not keep the host's event loop alive; a running job must. */
  setKeepsHostAlive(keep: boolean): void {
    const handles = [this.#child, this.#child.channel, this.#child.stdout, this.#child.stderr] as Array<
      Pick<Socket, 'ref' | 'unref'> | null | undefined
    >;
    for (const handle of handles) {
      if (keep) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  #onOutput(chunk: Buffer): void {
    if (this.#output) this.#output(chunk);
    else this.#early.push(chunk);
  }

  #signalGroup(signal: NodeJS.Signals): void {
    signalConfined(this.#child.pid, signal);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
