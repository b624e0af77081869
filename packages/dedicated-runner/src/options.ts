// The one place openRunner's input is checked and defaulted; everything past here trusts it.
import { InvalidRunnerOptionsError } from './errors';

export type RuntimeKind = 'thread' | 'process' | 'inline';
export type RunnerLanguage = 'javascript' | 'python';

/** What an inline handler gets besides args. */
export interface HandlerContext {
  /** Appends text to this call's log (delivered to run()'s onLog). */
  log: (text: string) => void;
  /** Aborted when the call times out or is canceled: the handler should stop. */
  signal: AbortSignal;
}

/** A host function run as the script: `args` as the caller passed them, its return value the result. */
export type Handler<A = unknown, R = unknown> = (args: A, ctx: HandlerContext) => R | Promise<R>;

/** `A`/`R`: the args and result types of `run` (inferred from `handler`; for `content`, the host's claim). */
export interface RunnerOptions<A = unknown, R = unknown> {
  /** Script source: an ES module exporting main(args) (or a Python file defining main). */
  content?: string;
  /** A host function to run inline instead of a script. */
  handler?: Handler<A, R>;
  runtime?: RuntimeKind;
  language?: RunnerLanguage;
  /** Threads or processes (default 1). Inline: calls at once, the rest wait their turn (default no limit). */
  concurrency?: number;
  /** Calls that may interleave inside one thread or process (async scripts). Default 32. */
  maxInFlightPerRuntime?: number;
  /**
   * Calls each thread or process may hold queued beyond maxInFlightPerRuntime, started there the
   * moment a running call ends, without a round trip to the host. 0 turns it off. Default 1.
   */
  lookahead?: number;
  /** The runtime's environment. Without `inheritEnv` only PATH, HOME, LANG, TZ and TMPDIR are passed through. */
  env?: Record<string, string>;
  inheritEnv?: boolean;
  /** Process runtime: argv of a process that speaks the JSON-lines protocol; the script path is appended. */
  command?: string[];
  /** Where the script file is written (so its imports resolve). Default: os.tmpdir()/millrace-runner. */
  scriptDir?: string;
  /**
   * Process runtime: cap on each process's writable memory (RLIMIT_DATA), in MiB, covering native
   * and Python allocations that a heap limit misses. Default: none.
   */
  memoryLimitMb?: number;
  /** Process runtime: run the processes as this uid/gid. The host must run as root. */
  runAs?: { uid: number; gid: number };
  /** Heap limit per thread (thread runtime) or per Node process. Default 512. */
  maxOldGenerationSizeMb?: number;
  /** Default 10 MiB. */
  maxResultBytes?: number;
  /** Default timeout applied when run() gives none. */
  timeoutMs?: number;
  /** Inline runtime: route console.* inside a call to that call's onLog. Default true. */
  captureConsole?: boolean;
  /** Output not tied to any call (module top level, stray timers). Default: the host's stderr. */
  onStrayLog?: (text: string) => void;
  /** Crash restart backoff: first delay, cap, and how long a runtime must live to reset it. */
  restartBackoff?: { initialMs?: number; maxMs?: number; resetAfterMs?: number };
}

export interface RunOptions {
  onLog?: (text: string) => void;
  signal?: AbortSignal;
  /** How long main may run, counted from when it starts (not from run()). */
  timeoutMs?: number;
  /** Called once when main starts, with the start time (epoch ms): a call may wait for a free slot first. */
  onStart?: (startedAtMs: number) => void;
}

export interface ResolvedOptions {
  runtime: RuntimeKind;
  language: RunnerLanguage;
  concurrency: number;
  maxInFlightPerRuntime: number;
  lookahead: number;
  env: Record<string, string>;
  command?: string[];
  scriptDir?: string;
  memoryLimitMb?: number;
  runAs?: { uid: number; gid: number };
  maxOldGenerationSizeMb: number;
  maxResultBytes: number;
  timeoutMs?: number;
  captureConsole: boolean;
  onStrayLog: (text: string) => void;
  backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
}

const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'SYSTEMROOT'];

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidRunnerOptionsError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidRunnerOptionsError(`${name} must be an integer ≥ 0, got ${String(value)}`);
  }
  return value;
}

function runtimeEnv(env: unknown, inherit: boolean | undefined): Record<string, string> {
  if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env))) {
    throw new InvalidRunnerOptionsError('env must be an object of strings');
  }
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (inherit || PASSED_THROUGH.includes(key))) base[key] = value;
  }
  for (const [key, value] of Object.entries((env ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new InvalidRunnerOptionsError(`env.${key} must be a string`);
    base[key] = value;
  }
  return base;
}

function checkRunAs(runAs: unknown, runtime: RuntimeKind): { uid: number; gid: number } | undefined {
  if (runAs === undefined) return undefined;
  const { uid, gid } = (runAs ?? {}) as { uid?: unknown; gid?: unknown };
  if (![uid, gid].every((id) => typeof id === 'number' && Number.isInteger(id) && id > 0)) {
    throw new InvalidRunnerOptionsError('runAs must be { uid, gid } of positive integers (not root)');
  }
  if (runtime !== 'process') throw new InvalidRunnerOptionsError('runAs applies to the process runtime only');
  if (process.getuid?.() !== 0) throw new InvalidRunnerOptionsError('runAs needs a host running as root');
  return { uid: uid as number, gid: gid as number };
}

function pickRuntime(options: RunnerOptions, language: RunnerLanguage): RuntimeKind {
  const hasContent = typeof options.content === 'string';
  const hasHandler = typeof options.handler === 'function';
  if (hasContent === hasHandler) {
    throw new InvalidRunnerOptionsError('give exactly one of content (a string) or handler (a function)');
  }
  const runtime = options.runtime ?? (hasHandler ? 'inline' : language === 'python' ? 'process' : 'thread');
  if (!['thread', 'process', 'inline'].includes(runtime)) {
    throw new InvalidRunnerOptionsError(`unknown runtime ${String(runtime)}`);
  }
  if (hasHandler !== (runtime === 'inline')) {
    throw new InvalidRunnerOptionsError(
      'the inline runtime takes a handler; thread and process take content',
    );
  }
  if (language === 'python' && runtime === 'thread') {
    throw new InvalidRunnerOptionsError('python scripts run in the process runtime');
  }
  return runtime;
}

export function resolveOptions(options: RunnerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new InvalidRunnerOptionsError('options required');
  const language = options.language ?? 'javascript';
  if (language !== 'javascript' && language !== 'python') {
    throw new InvalidRunnerOptionsError(`unknown language ${String(language)}`);
  }
  const runtime = pickRuntime(options, language);
  if (
    options.command !== undefined &&
    (!Array.isArray(options.command) ||
      options.command.length === 0 ||
      options.command.some((a) => typeof a !== 'string'))
  ) {
    throw new InvalidRunnerOptionsError('command must be a non-empty array of strings');
  }
  const backoff = options.restartBackoff ?? {};
  return {
    runtime,
    language,
    // inline: calls at once, no limit unless given; thread and process: how many of them
    concurrency: positiveInt('concurrency', options.concurrency, runtime === 'inline' ? Infinity : 1),
    maxInFlightPerRuntime: positiveInt('maxInFlightPerRuntime', options.maxInFlightPerRuntime, 32),
    lookahead: nonNegativeInt('lookahead', options.lookahead, 1),
    env: runtimeEnv(options.env, options.inheritEnv),
    command: options.command,
    scriptDir: options.scriptDir,
    memoryLimitMb:
      options.memoryLimitMb === undefined
        ? undefined
        : positiveInt('memoryLimitMb', options.memoryLimitMb, 0),
    runAs: checkRunAs(options.runAs, runtime),
    maxOldGenerationSizeMb: positiveInt('maxOldGenerationSizeMb', options.maxOldGenerationSizeMb, 512),
    maxResultBytes: positiveInt('maxResultBytes', options.maxResultBytes, 10 * 1024 * 1024),
    timeoutMs: options.timeoutMs === undefined ? undefined : positiveInt('timeoutMs', options.timeoutMs, 0),
    captureConsole: options.captureConsole ?? true,
    onStrayLog: options.onStrayLog ?? ((text) => process.stderr.write(text)),
    backoff: {
      initialMs: positiveInt('restartBackoff.initialMs', backoff.initialMs, 50),
      maxMs: positiveInt('restartBackoff.maxMs', backoff.maxMs, 5000),
      resetAfterMs: positiveInt('restartBackoff.resetAfterMs', backoff.resetAfterMs, 10_000),
    },
  };
}
