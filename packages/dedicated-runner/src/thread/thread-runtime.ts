// Host side of one worker thread: batches outgoing calls (one postMessage per turn of the event
// loop), settles calls from the thread's batched replies, and explains its own death to the calls
// it held.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  THREAD_OUT,
  type ThreadError,
  type ThreadInbound,
  type ThreadOutbound,
  type ThreadWorkerData,
} from '../../runtime/thread-wire.mjs';
import type { Call } from '../call';
import { InvalidArgsError } from '../errors';
import { RemoteRuntime } from '../remote-runtime';
import type { Runtime, RuntimeEvents } from '../runtime';
import { threadWorkerUrl } from '../runtime-files';
import { writeScriptFile } from '../script-file';

export interface ThreadRuntimeOptions {
  scriptUrl: string;
  maxInFlight: number;
  env: Record<string, string>;
  maxOldGenerationSizeMb: number;
  maxResultBytes: number;
  onStrayLog: (text: string) => void;
}

export class ThreadRuntime extends RemoteRuntime {
  private readonly worker: Worker;
  private outbox: unknown[] = [];
  private readonly post = (message: ThreadInbound) => this.worker.postMessage(message);
  private outboxCalls: Call[] = [];
  private flushQueued = false;
  private lastError: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly options: ThreadRuntimeOptions,
    events: RuntimeEvents,
  ) {
    super('thread', events);
    const workerData: ThreadWorkerData = {
      scriptUrl: options.scriptUrl,
      maxResultBytes: options.maxResultBytes,
      maxInFlight: options.maxInFlight,
    };
    this.worker = new Worker(threadWorkerUrl, {
      workerData,
      env: options.env,
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
    });
    this.worker.on('message', (message: ThreadOutbound) => this.onMessage(message));
    this.worker.on('error', (error) => {
      this.lastError = error;
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', (code) => resolve(this.onExit(code))));
  }

  async close(): Promise<void> {
    if (this.exitKind === undefined) {
      this.exitKind = 'closed';
      void this.worker.terminate();
    }
    await this.exited;
  }

  protected transmit(call: Call, ahead: boolean): void {
    this.outbox.push(call.id, call.args, ahead ? 1 : 0);
    this.outboxCalls.push(call);
    if (!this.flushQueued) {
      // setImmediate, not a microtask: a worker hands the next jobs as results arrive, each result
      // message in its own callback with its own microtasks; a microtask flush sent one message per
      // job (measured at c=1: 1.0 host posts and 2.0 thread replies a job, 0.52 and 1.51 with this).
      this.flushQueued = true;
      setImmediate(this.flushSoon);
    }
  }

  protected transmitDrop(call: Call): void {
    this.flush(); // the call itself may still sit in the outbox: it must arrive first
    if (this.exitKind === undefined) this.post({ drop: call.id });
  }

  protected terminate(): void {
    void this.worker.terminate();
  }

  private readonly flushSoon = () => this.flush();

  private flush(): void {
    this.flushQueued = false;
    if (this.outbox.length === 0) return;
    const batch = this.outbox;
    const calls = this.outboxCalls;
    this.outbox = [];
    this.outboxCalls = [];
    if (this.exitKind !== undefined) return;
    try {
      this.post(batch);
    } catch {
      // Some args could not be cloned: send the calls one by one so only the bad ones fail.
      for (const [i, call] of calls.entries()) {
        try {
          this.post(batch.slice(i * 3, i * 3 + 3));
        } catch (error) {
          this.table.reject(
            call.id,
            new InvalidArgsError(`args cannot be sent to the thread: ${String(error)}`),
          );
        }
      }
    }
  }

  private onMessage(message: ThreadOutbound): void {
    if (!Array.isArray(message)) {
      if ('ready' in message) this.scriptLoaded();
      else this.scriptFailedToLoad(message.loadError);
      return;
    }
    for (let i = 0; i < message.length; i += 3) {
      const type = message[i];
      const id = message[i + 1] as number;
      const payload = message[i + 2];
      if (type === THREAD_OUT.result) this.table.resolve(id, JSON.parse(payload as string));
      else if (type === THREAD_OUT.error)
        this.table.fail(id, payload as ThreadError, (payload as ThreadError).kind);
      else if (type === THREAD_OUT.started) this.callStarted(id, payload as number);
      else if (type === THREAD_OUT.dropped) this.callDropped(id);
      else if (!this.table.log(id, payload as string)) this.options.onStrayLog(payload as string);
    }
    this.settled();
  }

  private onExit(code: number): void {
    this.afterExit(this.describeExit(code), this.lastError);
  }

  private describeExit(code: number): string {
    const error = this.lastError as (Error & { code?: string }) | undefined;
    if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return `the thread ran out of memory (maxOldGenerationSizeMb ${this.options.maxOldGenerationSizeMb})`;
    }
    if (error !== undefined) return `the thread crashed: ${error.name}: ${error.message}`;
    return `the thread exited with code ${code} (process.exit in the script?)`;
  }
}

/** Writes the script once and returns a factory for threads that import it. */
export async function threadRuntimeFactory(
  content: string,
  options: Omit<ThreadRuntimeOptions, 'scriptUrl' | 'maxInFlight'> & {
    scriptDir?: string;
    maxInFlightPerRuntime: number;
  },
): Promise<(events: RuntimeEvents) => Runtime> {
  const scriptUrl = pathToFileURL(await writeScriptFile(content, '.mjs', options.scriptDir)).href;
  const threadOptions: ThreadRuntimeOptions = {
    scriptUrl,
    maxInFlight: options.maxInFlightPerRuntime,
    env: options.env,
    maxOldGenerationSizeMb: options.maxOldGenerationSizeMb,
    maxResultBytes: options.maxResultBytes,
    onStrayLog: options.onStrayLog,
  };
  return (events) => new ThreadRuntime(threadOptions, events);
}
