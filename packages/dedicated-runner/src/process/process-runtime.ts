// Host side of one long-lived child process speaking JSON lines over stdio: requests
// {"id","args"[,"ahead":true]} and {"drop":id} on stdin; {"type":"ready"|"load-error"} and
// {"id","type":"result"|"error"|"log"|"started"|"dropped"} on stdout (see protocol.ts).
// Requests issued in one tick go out in one write.
import type { ChildProcess } from 'node:child_process';
import type { Call } from '../call';
import { InvalidArgsError, type ScriptErrorInfo } from '../errors';
import type { ResolvedOptions } from '../options';
import { RemoteRuntime } from '../remote-runtime';
import type { RuntimeEvents, RuntimeFactory } from '../runtime';
import { writeScriptFile } from '../script-file';
import { type RunAs, signalConfined, spawnConfined } from './confine';
import { trackChild } from './live-children';
import {
  checkResultSize,
  defaultCommand,
  type ProcessMessage,
  protocolMessage,
  scriptExtension,
} from './protocol';

export interface ProcessRuntimeOptions {
  argv: string[];
  env: Record<string, string>;
  maxResultBytes: number;
  onStrayLog: (text: string) => void;
  memoryLimitMb?: number;
  runAs?: RunAs;
}

export class ProcessRuntime extends RemoteRuntime {
  private readonly child: ChildProcess;
  private outbox = '';
  /** stdout after the last newline, in parts: joined once, when its line ends (linear, not quadratic) */
  private partial: string[] = [];
  private partialChars = 0;
  /** the current line went past `maxLineChars(…)`: the rest of it is dropped, up to its newline */
  private dropping = false;
  private spawnError: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly options: ProcessRuntimeOptions,
    events: RuntimeEvents,
  ) {
    super('process', events);
    // Untrusted code: confined (its own PID namespace where the host allows it, memory cap, runAs).
    this.child = spawnConfined(options.argv, {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      memoryLimitMb: options.memoryLimitMb,
      runAs: options.runAs,
    });
    trackChild(this.child);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => options.onStrayLog(chunk));
    // EPIPE when the child died mid-write: the exit handler reports it to the calls.
    this.child.stdin?.on('error', () => {});
    this.child.on('error', (error) => {
      this.spawnError = error;
    });
    // 'close', not 'exit': by then stdout is drained, so no result of a finished call is lost.
    // Whatever the script started must not outlive it.
    this.child.once('exit', () => signalConfined(this.child.pid, 'SIGKILL'));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve(this.onExit(code, signal))),
    );
  }

  async close(): Promise<void> {
    if (this.exitKind === undefined) {
      this.exitKind = 'closed';
      // The wrappers exit when stdin ends; a command that ignores it is killed after a grace period.
      this.child.stdin?.end();
      const timer = setTimeout(() => signalConfined(this.child.pid, 'SIGKILL'), 2000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  protected transmit(call: Call, ahead: boolean): void {
    let line: string;
    try {
      const args = call.args ?? null;
      line = JSON.stringify(ahead ? { id: call.id, args, ahead } : { id: call.id, args });
    } catch (error) {
      this.table.reject(call.id, new InvalidArgsError(`args are not JSON: ${String(error)}`));
      return;
    }
    if (this.outbox === '') queueMicrotask(() => this.flush());
    this.outbox += `${line}\n`;
  }

  protected transmitDrop(call: Call): void {
    this.outbox += `{"drop":${call.id}}\n`; // after the call's own line, if it is still here
    this.flush();
  }

  protected terminate(): void {
    signalConfined(this.child.pid, 'SIGKILL');
  }

  private flush(): void {
    if (this.outbox === '') return;
    const text = this.outbox;
    this.outbox = '';
    if (this.exitKind === undefined || this.exitKind === 'closed') this.child.stdin?.write(text);
  }

  private onStdout(chunk: string): void {
    let start = 0;
    let end = chunk.indexOf('\n');
    while (end !== -1) {
      this.append(chunk.slice(start, end));
      if (!this.dropping)
        this.onLine(this.partial.length === 1 ? (this.partial[0] as string) : this.partial.join(''));
      this.partial = [];
      this.partialChars = 0;
      this.dropping = false;
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    this.append(chunk.slice(start));
    this.settled();
  }

  /**
   * Adds to the current line. The script can write to this stdout itself (fd 1): a line longer than
   * any the wrapper writes is not the protocol's, and kept whole it would eat the host's memory.
   */
  private append(text: string): void {
    if (this.dropping || text === '') return;
    const max = maxLineChars(this.options.maxResultBytes);
    this.partialChars += text.length;
    if (this.partialChars > max) {
      this.dropping = true;
      this.partial = [];
      this.options.onStrayLog(
        `[millrace] dropped a line of over ${max} characters from the process's stdout\n`,
      );
      return;
    }
    this.partial.push(text);
  }

  private onLine(line: string): void {
    let message: ProcessMessage | undefined;
    try {
      message = protocolMessage(JSON.parse(line));
    } catch {
      // not JSON: below
    }
    if (message === undefined) {
      // a command that writes raw text to stdout, or a script writing past the wrapper's hooks
      this.options.onStrayLog(`${line}\n`);
      return;
    }
    const id = message.id as number;
    if (message.type === 'result') {
      const tooLarge = checkResultSize(line, message.result, this.options.maxResultBytes);
      if (tooLarge) this.table.reject(id, tooLarge);
      else this.table.resolve(id, message.result ?? null);
    } else if (message.type === 'error') {
      this.table.fail(id, message.error as ScriptErrorInfo, message.kind);
    } else if (message.type === 'started') {
      this.callStarted(id, message.at ?? Date.now());
    } else if (message.type === 'dropped') {
      this.callDropped(id);
    } else if (message.type === 'log') {
      if (!this.table.log(id, message.text ?? '')) this.options.onStrayLog(message.text ?? '');
    } else if (message.type === 'ready') {
      this.scriptLoaded();
    } else if (message.type === 'load-error') {
      this.scriptFailedToLoad(message.error as ScriptErrorInfo);
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const why = this.spawnError
      ? `the process could not start: ${this.spawnError.message}`
      : signal
        ? `the process was killed by ${signal}`
        : `the process exited with code ${code}`;
    this.afterExit(why);
  }
}

/**
 * The longest stdout line a process runtime takes: a result line (at most `maxResultBytes` of JSON)
 * with room to spare, or 32 Mi characters for a long log line (a job's logs are capped well below).
 */
export function maxLineChars(maxResultBytes: number): number {
  return Math.max(2 * maxResultBytes + 1024 * 1024, 32 * 1024 * 1024);
}

/** Writes the script once and returns a factory for processes that load it. */
export async function processRuntimeFactory(
  content: string,
  options: ResolvedOptions,
): Promise<RuntimeFactory> {
  const scriptPath = await writeScriptFile(content, scriptExtension(options.language), options.scriptDir);
  const argv = [
    ...(options.command ?? defaultCommand(options.language, options.maxOldGenerationSizeMb)),
    scriptPath,
  ];
  const processOptions: ProcessRuntimeOptions = {
    argv,
    env: {
      ...options.env,
      MILLRACE_MAX_RESULT_BYTES: String(options.maxResultBytes),
      MILLRACE_MAX_IN_FLIGHT: String(options.maxInFlightPerRuntime),
      PYTHONUNBUFFERED: '1',
    },
    maxResultBytes: options.maxResultBytes,
    onStrayLog: options.onStrayLog,
    memoryLimitMb: options.memoryLimitMb,
    runAs: options.runAs,
  };
  return (events) => new ProcessRuntime(processOptions, events);
}
