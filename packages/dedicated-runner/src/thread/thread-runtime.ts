// Host side of one worker thread: batches outgoing calls (one postMessage per tick), settles
// calls from the thread's batched replies, and explains its own death to the calls it held.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Call } from '../call';
import { InvalidArgsError, type ScriptErrorInfo } from '../errors';
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

type WireError = ScriptErrorInfo & { kind?: string };

export class ThreadRuntime extends RemoteRuntime {
  private readonly worker: Worker;
  private outbox: unknown[] = [];
  private outboxCalls: Call[] = [];
  private flushQueued = false;
  private lastError: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly options: ThreadRuntimeOptions,
    events: RuntimeEvents,
  ) {
    super('thread', events);
    this.worker = new Worker(threadWorkerUrl, {
      workerData: {
        scriptUrl: options.scriptUrl,
        maxResultBytes: options.maxResultBytes,
        maxInFlight: options.maxInFlight,
      },
      env: options.env,
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb },
    });
    this.worker.on('message', (message) => this.onMessage(message));
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
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  protected transmitDrop(call: Call): void {
    this.flush(); // the call itself may still sit in the outbox: it must arrive first
    if (this.exitKind === undefined) this.worker.postMessage({ drop: call.id });
  }

  protected terminate(): void {
    void this.worker.terminate();
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.outbox.length === 0) return;
    const batch = this.outbox;
    const calls = this.outboxCalls;
    this.outbox = [];
    this.outboxCalls = [];
    if (this.exitKind !== undefined) return;
    try {
      this.worker.postMessage(batch);
    } catch {
      // Some args could not be cloned: send the calls one by one so only the bad ones fail.
      for (const [i, call] of calls.entries()) {
        try {
          this.worker.postMessage(batch.slice(i * 3, i * 3 + 3));
        } catch (error) {
          this.table.reject(
            call.id,
            new InvalidArgsError(`args cannot be sent to the thread: ${String(error)}`),
          );
        }
      }
    }
  }

  private onMessage(message: unknown): void {
    if (!Array.isArray(message)) {
      this.onControl(message as { ready?: true; loadError?: ScriptErrorInfo });
      return;
    }
    for (let i = 0; i < message.length; i += 3) {
      const type = message[i] as number;
      const id = message[i + 1] as number;
      const payload = message[i + 2];
      if (type === 1) this.table.resolve(id, JSON.parse(payload as string));
      else if (type === 2) this.table.fail(id, payload as WireError, (payload as WireError).kind);
      else if (type === 3) this.callStarted(id, payload as number);
      else if (type === 4) this.callDropped(id);
      else if (!this.table.log(id, payload as string)) this.options.onStrayLog(payload as string);
    }
    this.settled();
  }

  private onControl(message: { ready?: true; loadError?: ScriptErrorInfo }): void {
    if (message.ready) this.scriptLoaded();
    else if (message.loadError) this.scriptFailedToLoad(message.loadError);
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
