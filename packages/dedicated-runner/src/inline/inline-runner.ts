// The host's own function as the script: no thread hop, no serialisation of args. A timed-out
// or canceled call is rejected and its signal aborted, but its code cannot be stopped from here.
import { Call } from '../call';
import {
  errorInfo,
  InvalidRunnerOptionsError,
  RunnerClosedError,
  type RunnerError,
  ScriptError,
} from '../errors';
import { encodeResult } from '../json-result';
import type { Handler, HandlerContext, ResolvedOptions, RunOptions } from '../options';
import type { CloseOptions, Runner } from '../runner';
import { acquireConsoleCapture, inlineCallContext } from './console-capture';

class InlineContext implements HandlerContext {
  private controller: AbortController | undefined;
  readonly log: (text: string) => void;

  constructor(private readonly call: Call) {
    this.log = (text) => call.log(text);
  }

  // Created on first use: most handlers never look at the signal, and a controller per call costs.
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.call.settled && !this.controller.signal.aborted) this.controller.abort();
    return this.controller.signal;
  }

  abort(reason: RunnerError): void {
    this.controller?.abort(reason);
  }
}

export class InlineRunner implements Runner {
  readonly runtime = 'inline' as const;
  private inFlight = new Set<Call>();
  /** calls over `concurrency`, started in order as running ones end */
  private waiting: { call: Call; context: InlineContext }[] = [];
  private running = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly releaseConsole: (() => void) | undefined;

  constructor(
    private handler: Handler,
    private readonly options: ResolvedOptions,
  ) {
    this.releaseConsole = options.captureConsole ? acquireConsoleCapture() : undefined;
  }

  run<T = unknown>(args: unknown, runOptions?: RunOptions): Promise<T> {
    const call = new Call(args, runOptions);
    if (this.closed) {
      call.reject(new RunnerClosedError());
      return call.promise as Promise<T>;
    }
    const context = new InlineContext(call);
    call.arm(runOptions?.timeoutMs ?? this.options.timeoutMs, (expired, error) => {
      expired.reject(error);
      context.abort(error);
      this.done(expired);
    });
    if (call.settled) return call.promise as Promise<T>;
    this.inFlight.add(call);
    if (this.running < this.options.concurrency) this.start(call, context);
    else this.waiting.push({ call, context });
    return call.promise as Promise<T>;
  }

  private start(call: Call, context: InlineContext): void {
    this.running += 1;
    call.start();
    let value: unknown;
    try {
      value = this.releaseConsole
        ? inlineCallContext.run(call, this.handler, call.args, context)
        : this.handler(call.args, context);
    } catch (error) {
      this.fail(call, error);
      return;
    }
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as PromiseLike<unknown>).then === 'function'
    ) {
      (value as PromiseLike<unknown>).then(
        (result) => this.succeed(call, result),
        (error: unknown) => this.fail(call, error),
      );
    } else {
      this.succeed(call, value);
    }
  }

  async swap(next: string | Handler): Promise<void> {
    if (typeof next !== 'function')
      throw new InvalidRunnerOptionsError('the inline runtime swaps to a new handler');
    if (this.closed) throw new RunnerClosedError();
    // Calls already running keep the function they started with; nothing to drain.
    this.handler = next;
  }

  async close(options?: CloseOptions): Promise<void> {
    this.closed = true;
    if (options?.force) {
      for (const call of this.inFlight) call.reject(new RunnerClosedError('the runner was force-closed'));
      this.inFlight.clear();
      this.waiting = [];
      this.running = 0;
    }
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.releaseConsole?.();
  }

  private succeed(call: Call, value: unknown): void {
    const encoded = encodeResult(value, this.options.maxResultBytes);
    // Parse the JSON back so every runtime hands the caller the same thing: a detached JSON value.
    if ('json' in encoded) call.resolve(JSON.parse(encoded.json));
    else call.reject(encoded.error);
    this.done(call);
  }

  private fail(call: Call, error: unknown): void {
    call.reject(new ScriptError(errorInfo(error)));
    this.done(call);
  }

  /**
   * A call ended (or expired): the next waiting call starts here and now, before the ended call's
   * caller hears of it, so back-to-back calls do not wait for that caller's promise chain.
   */
  private done(call: Call): void {
    if (!this.inFlight.delete(call)) return;
    if (call.started) this.running -= 1;
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift() as { call: Call; context: InlineContext };
      if (!next.call.settled) this.start(next.call, next.context);
    }
    if (this.inFlight.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
