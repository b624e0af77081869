// A runner over pools of warm runtimes (thread or process): run() goes to the current pool,
// swap() brings up a pool for the new version before retiring the old one.
import { Call } from './call';
import { InvalidRunnerOptionsError, RunnerClosedError } from './errors';
import type { Handler, RunOptions, RuntimeKind } from './options';
import type { Pool } from './pool';

export interface CloseOptions {
  /** Reject calls still queued or in flight with RunnerClosedError instead of waiting for them. */
  force?: boolean;
}

/**
 * `A`/`R` are the args and result types: checked by the compiler for an inline handler, the host's
 * claim for a script (`content`), whose result is whatever JSON it returns. `run<T>` is an
 * assertion too: nothing checks the result against `T` at run time.
 */
export interface Runner<A = unknown, R = unknown> {
  readonly runtime: RuntimeKind;
  /** Runs main(args) and resolves with its JSON result; rejects a RunnerError subclass. */
  run<T = R>(args: A, options?: RunOptions): Promise<T>;
  /** Loads the new version, sends new calls to it, and resolves once the old version has drained and closed. */
  swap(next: string | Handler<A, R>): Promise<void>;
  close(options?: CloseOptions): Promise<void>;
}

export class PooledRunner implements Runner {
  private current: Pool;
  private readonly retiring = new Set<Pool>();
  private closed = false;
  private closing: Promise<void> | undefined;
  private swapping: Promise<unknown> = Promise.resolve();

  constructor(
    readonly runtime: RuntimeKind,
    private readonly openPool: (content: string) => Promise<Pool>,
    first: Pool,
    private readonly defaultTimeoutMs: number | undefined,
  ) {
    this.current = first;
  }

  run<T = unknown>(args: unknown, options?: RunOptions): Promise<T> {
    const call = new Call(args, options);
    if (this.closed) {
      call.reject(new RunnerClosedError());
      return call.promise as Promise<T>;
    }
    const pool = this.current;
    call.arm(options?.timeoutMs ?? this.defaultTimeoutMs, pool.expire);
    if (!call.settled) pool.submit(call);
    return call.promise as Promise<T>;
  }

  swap(next: string | Handler): Promise<void> {
    const swapped = this.swapping.then(() => this.swapNow(next));
    this.swapping = swapped.catch(() => {});
    return swapped;
  }

  close(options?: CloseOptions): Promise<void> {
    this.closed = true;
    const pools = [this.current, ...this.retiring];
    if (options?.force) {
      this.closing = Promise.all(pools.map((pool) => pool.forceClose())).then(() => {});
    } else {
      this.closing ??= Promise.all(pools.map((pool) => pool.drain())).then(() => {});
    }
    // A swap still loading its pool closes that pool itself once it sees `closed`: wait for it.
    return this.closing.then(() => this.swapping).then(() => {});
  }

  private async swapNow(next: string | Handler): Promise<void> {
    if (typeof next !== 'string')
      throw new InvalidRunnerOptionsError(`the ${this.runtime} runtime swaps to new content (a string)`);
    if (this.closed) throw new RunnerClosedError();
    const pool = await this.openPool(next);
    if (this.closed) {
      await pool.forceClose();
      throw new RunnerClosedError();
    }
    const previous = this.current;
    this.current = pool;
    this.retiring.add(previous);
    try {
      await previous.drain();
    } finally {
      this.retiring.delete(previous);
    }
  }
}
