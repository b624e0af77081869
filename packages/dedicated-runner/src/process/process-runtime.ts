// Host side of one long-lived child process speaking JSON lines over stdio: requests
// {"id","args"} on stdin; {"type":"ready"|"load-error"} and {"id","type":"result"|"error"|"log"}
// on stdout. Requests issued in one tick go out in one write.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Call } from '../call';
import { CallTable } from '../call-table';
import {
  InvalidArgsError,
  LoadError,
  type RunnerError,
  RuntimeCrashedError,
  type ScriptErrorInfo,
} from '../errors';
import type { ResolvedOptions } from '../options';
import {
  type ExitKind,
  type Runtime,
  type RuntimeEvents,
  type RuntimeFactory,
  siblingLostMessage,
} from '../runtime';
import { writeScriptFile } from '../script-file';
import { trackChild } from './live-children';
import { checkResultSize, defaultCommand, type ProcessMessage, scriptExtension } from './protocol';

export interface ProcessRuntimeOptions {
  argv: string[];
  env: Record<string, string>;
  maxResultBytes: number;
  onStrayLog: (text: string) => void;
}

export class ProcessRuntime implements Runtime {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly table = new CallTable();
  private outbox = '';
  private pending = '';
  private exitKind: ExitKind | undefined;
  private exitReported = false;
  private killError: (() => RunnerError) | undefined;
  private spawnError: Error | undefined;
  private readonly exited: Promise<void>;
  private settleReady!: (error?: Error) => void;

  constructor(
    private readonly options: ProcessRuntimeOptions,
    private readonly events: RuntimeEvents,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.settleReady = (error) => (error ? reject(error) : resolve());
    });
    this.ready.catch(() => {});
    const [command, ...args] = options.argv as [string, ...string[]];
    this.child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(this.child);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => options.onStrayLog(chunk));
    // EPIPE when the child died mid-write: the exit handler reports it to the calls.
    this.child.stdin?.on('error', () => {});
    this.child.on('error', (error) => {
      this.spawnError = error;
    });
    // 'close', not 'exit': by then stdout is drained, so no result of a finished call is lost.
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve(this.onExit(code, signal))),
    );
  }

  get inFlight(): number {
    return this.table.size;
  }

  send(call: Call): void {
    if (this.exitKind !== undefined && this.exitKind !== 'closed') {
      call.reject(this.killError?.() ?? new RuntimeCrashedError('the runtime had already stopped'));
      return;
    }
    let line: string;
    try {
      line = JSON.stringify({ id: call.id, args: call.args ?? null });
    } catch (error) {
      call.reject(new InvalidArgsError(`args are not JSON: ${String(error)}`));
      return;
    }
    call.holder = this;
    this.table.add(call);
    if (this.outbox === '') queueMicrotask(() => this.flush());
    this.outbox += `${line}\n`;
  }

  evict(call: Call, error: RunnerError): void {
    if (!this.table.remove(call)) return;
    call.reject(error);
    this.kill(
      () => new RuntimeCrashedError(siblingLostMessage('process', error.reason), { lost: 'replaced' }),
    );
  }

  kill(error: () => RunnerError): void {
    if (this.exitKind !== undefined) return;
    this.exitKind = 'killed';
    this.killError = error;
    this.table.rejectAll(error);
    this.child.kill('SIGKILL');
    // Tell the pool now, not at exit: a dying runtime must not be handed new calls meanwhile.
    this.reportExit('killed');
  }

  private reportExit(kind: ExitKind): void {
    if (this.exitReported) return;
    this.exitReported = true;
    this.events.onExit(this, kind);
  }

  async close(): Promise<void> {
    if (this.exitKind === undefined) {
      this.exitKind = 'closed';
      // The wrappers exit when stdin ends; a command that ignores it is killed after a grace period.
      this.child.stdin?.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  private flush(): void {
    const text = this.outbox;
    this.outbox = '';
    if (this.exitKind === undefined || this.exitKind === 'closed') this.child.stdin?.write(text);
  }

  private onStdout(chunk: string): void {
    const text = this.pending + chunk;
    let start = 0;
    let end = text.indexOf('\n', start);
    while (end !== -1) {
      this.onLine(text.slice(start, end));
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    this.pending = text.slice(start);
    this.events.onSettled(this);
  }

  private onLine(line: string): void {
    let message: ProcessMessage;
    try {
      message = JSON.parse(line) as ProcessMessage;
    } catch {
      this.options.onStrayLog(`${line}\n`); // a command that writes raw text to stdout
      return;
    }
    const id = message.id as number;
    if (message.type === 'result') {
      const tooLarge = checkResultSize(line, message.result, this.options.maxResultBytes);
      if (tooLarge) this.table.reject(id, tooLarge);
      else this.table.resolve(id, message.result ?? null);
    } else if (message.type === 'error') {
      this.table.fail(id, message.error as ScriptErrorInfo, message.kind);
    } else if (message.type === 'log') {
      if (!this.table.log(id, message.text ?? '')) this.options.onStrayLog(message.text ?? '');
    } else if (message.type === 'ready') {
      this.settleReady();
    } else if (message.type === 'load-error') {
      const info = message.error as ScriptErrorInfo;
      this.settleReady(new LoadError(info.message, info));
      this.exitKind ??= 'crashed';
      this.child.kill('SIGKILL');
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const kind = this.exitKind ?? 'crashed';
    this.exitKind = kind;
    const why = this.spawnError
      ? `the process could not start: ${this.spawnError.message}`
      : signal
        ? `the process was killed by ${signal}`
        : `the process exited with code ${code}`;
    this.settleReady(new RuntimeCrashedError(`the process died while loading the script: ${why}`));
    this.table.rejectAll(this.killError ?? (() => new RuntimeCrashedError(why)));
    this.reportExit(kind);
  }
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
    env: { ...options.env, MILLRACE_MAX_RESULT_BYTES: String(options.maxResultBytes), PYTHONUNBUFFERED: '1' },
    maxResultBytes: options.maxResultBytes,
    onStrayLog: options.onStrayLog,
  };
  return (events) => new ProcessRuntime(processOptions, events);
}
