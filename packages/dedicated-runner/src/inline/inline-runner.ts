// The host's own function as the script: no thread hop, no serialisation of args. A timed-out
// or canceled call is rejected and its signal aborted, but its code cannot be stopped from here.
import { CallSlots } from '../../runtime/call-slots.mjs';
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

interface InlineCall {
  call: Call;
  context: InlineContext;
}

export class InlineRunner implements Runner {
  readonly runtime = 'inline' as const;
  private inFlight = new Set<Call>();
  /** at most `concurrency` calls run; the rest wait and start in order as running ones end */
  private readonly slots: CallSlots<InlineCall>;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly releaseConsole: (() => void) | undefined;

  constructor(
    private handler: Handler,
    private readonly options: ResolvedOptions,
  ) {
    this.releaseConsole = options.captureConsole ? acquireConsoleCapture() : undefined;
    this.slots = new CallSlots<InlineCall>(options.concurrency, (next) => this.start(next));
  }

  run<T = unknown>(args: unknown, runOptions?: RunOptions): Promise<T> {
    const call = new Call(args, runOptions);
    if (this.closed) {
      call.reject(new RunnerClosedError());
      return call.promise as Promise<T>;
    }
    const entry: InlineCall = { call, context: new InlineContext(call) };
    call.arm(runOptions?.timeoutMs ?? this.options.timeoutMs, (expired, error) => {
      expired.reject(error);
      entry.context.abort(error);
      this.done(entry);
    });
    if (call.settled) return call.promise as Promise<T>;
    this.inFlight.add(call);
    if (this.slots.admit(entry)) this.start(entry);
    return call.promise as Promise<T>;
  }

  private start(entry: InlineCall): void {
    const { call, context } = entry;
    call.start();
    let value: unknown;
    try {
      value = this.releaseConsole
        ? inlineCallContext.run(call, this.handler, call.args, context)
        : this.handler(call.args, context);
    } catch (error) {
      this.fail(entry, error);
      return;
    }
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as PromiseLike<unknown>).then === 'function'
    ) {
      (value as PromiseLike<unknown>).then(
        (result) => this.succeed(entry, result),
        (error: unknown) => this.fail(entry, error),
      );
    } else {
      this.succeed(entry, value);
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
      this.slots.takeWaiting();
      this.slots.running = 0;
    }
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.releaseConsole?.();
  }

  private succeed(entry: InlineCall, value: unknown): void {
    const { call } = entry;
    const encoded = encodeResult(value, this.options.maxResultBytes);
    // Parse the JSON back so every runtime hands the caller the same thing: a detached JSON value.
    if ('json' in encoded) call.resolve(JSON.parse(encoded.json));
    else call.reject(encoded.error);
    this.done(entry);
  }

  private fail(entry: InlineCall, error: unknown): void {
    entry.call.reject(new ScriptError(errorInfo(error)));
    this.done(entry);
  }

  /**
   * A call ended (or expired): the next waiting call starts here and now, before the ended call's
   * caller hears of it, so back-to-back calls do not wait for that caller's promise chain.
   */
  private done(entry: InlineCall): void {
    if (!this.inFlight.delete(entry.call)) return;
    if (!entry.call.started) this.slots.drop((waiting) => waiting === entry);
    else this.slots.release();
    if (this.inFlight.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
