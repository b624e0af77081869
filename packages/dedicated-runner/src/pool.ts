// N warm runtimes of one script version: dispatch to the least busy, queue the rest,
// replace a runtime that dies (with backoff after crashes), drain before closing.
// When every runtime is busy, up to `lookahead` more calls each are sent ahead: the runtime
// starts them itself when a running call ends, so the next job does not wait for the host to
// hear of the last one (two thread or process wake-ups, 0.3-0.7 ms, at one call at a time).
// A held call is taken back when another runtime frees up first and nothing else waits for it.

import { Backoff } from './backoff';
import type { Call } from './call';
import { LoadError, RunnerClosedError, type RunnerError } from './errors';
import type { ExitKind, Runtime, RuntimeEvents, RuntimeFactory } from './runtime';

export interface PoolOptions {
  size: number;
  maxInFlight: number;
  /** calls each runtime may hold queued beyond maxInFlight */
  lookahead: number;
  backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
}

interface Slot {
  runtime: Runtime | undefined;
  ready: boolean;
  restartTimer: NodeJS.Timeout | undefined;
}

export class Pool {
  private readonly slots: Slot[];
  private queue: Call[] = [];
  private head = 0;
  private state: 'open' | 'draining' | 'closed' = 'open';
  private idleWaiters: Array<() => void> = [];
  private readonly backoff: Backoff;
  private readonly events: RuntimeEvents;

  constructor(
    private readonly factory: RuntimeFactory,
    private readonly options: PoolOptions,
  ) {
    this.slots = Array.from({ length: options.size }, () => ({
      runtime: undefined,
      ready: false,
      restartTimer: undefined,
    }));
    this.backoff = new Backoff(options.backoff);
    this.events = {
      onSettled: (runtime) => this.afterSettle(runtime),
      onExit: (runtime, how) => this.onExit(runtime, how),
      onReturned: (calls) => this.onReturned(calls),
    };
  }

  /** Starts every runtime and waits until all have loaded the script; rejects LoadError otherwise. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.slots.map((slot) => this.spawn(slot)));
    } catch (error) {
      this.state = 'closed';
      this.killAll(() => new RunnerClosedError('the runner failed to start'));
      throw error;
    }
  }

  /** Called by the runner for a call whose timer fired or whose signal aborted. */
  readonly expire = (call: Call, error: RunnerError): void => {
    if (call.holder !== undefined) call.holder.evict(call, error);
    else call.reject(error);
    this.checkIdle();
  };

  submit(call: Call): void {
    if (this.state === 'closed') {
      call.reject(new RunnerClosedError());
      return;
    }
    if (this.head === this.queue.length && this.sendNow(call)) return;
    this.queue.push(call);
  }

  /** Lets everything submitted so far finish, then closes the runtimes. */
  async drain(): Promise<void> {
    if (this.state === 'open') this.state = 'draining';
    if (!this.isIdle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.shutdown();
  }

  /** Rejects everything queued or in flight with RunnerClosedError and stops the runtimes. */
  async forceClose(): Promise<void> {
    this.state = 'closed';
    this.rejectQueued(() => new RunnerClosedError('the runner was closed before the call ran'));
    this.killAll(() => new RunnerClosedError('the runner was force-closed while the call was in flight'));
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    this.state = 'closed';
    const closing: Promise<void>[] = [];
    for (const slot of this.slots) {
      if (slot.restartTimer !== undefined) clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
      if (slot.runtime !== undefined) closing.push(slot.runtime.close());
      slot.runtime = undefined;
      slot.ready = false;
    }
    await Promise.all(closing);
  }

  private spawn(slot: Slot): Promise<void> {
    slot.restartTimer = undefined;
    const runtime = this.factory(this.events);
    slot.runtime = runtime;
    slot.ready = false;
    return runtime.ready.then(() => {
      if (slot.runtime !== runtime) return;
      slot.ready = true;
      this.dispatch();
    });
  }

  private respawn(slot: Slot): void {
    this.spawn(slot).catch((error: unknown) => {
      // A script that no longer loads would leave queued calls waiting forever.
      if (error instanceof LoadError && !this.slots.some((s) => s.ready)) this.rejectQueued(() => error);
    });
  }

  private onExit(runtime: Runtime, how: ExitKind): void {
    const slot = this.slots.find((s) => s.runtime === runtime);
    if (slot === undefined) return;
    slot.runtime = undefined;
    slot.ready = false;
    if (this.state !== 'closed' && how !== 'closed' && !(this.state === 'draining' && this.isIdle())) {
      const delay = how === 'crashed' ? this.backoff.next() : 0;
      if (delay === 0) this.respawn(slot);
      else slot.restartTimer = setTimeout(() => this.respawn(slot), delay);
    }
    this.dispatch();
    this.checkIdle();
  }

  /** Calls a dying runtime held queued: they never ran, so they go first in line here. */
  private onReturned(calls: Call[]): void {
    const waiting = calls.filter((call) => !call.settled);
    for (const call of waiting) call.holder = undefined;
    if (this.state === 'closed') {
      for (const call of waiting)
        call.reject(new RunnerClosedError('the runner was closed before the call ran'));
      return;
    }
    this.queue = [...waiting, ...this.queue.slice(this.head)];
    this.head = 0;
    this.dispatch();
  }

  private afterSettle(runtime: Runtime): void {
    if (this.head < this.queue.length) this.dispatch();
    else if (runtime.inFlight < this.options.maxInFlight) this.reclaimFor(runtime);
    if (this.state === 'draining') this.checkIdle();
  }

  /**
   * A runtime has a free slot and nothing is queued here: a call held ahead by a busy runtime would
   * wait there for a whole job. Ask for it back; it comes back through onReturned and goes here.
   */
  private reclaimFor(free: Runtime): void {
    for (const slot of this.slots) {
      const runtime = slot.runtime;
      if (runtime === undefined || runtime === free || runtime.inFlight <= this.options.maxInFlight) continue;
      if (runtime.reclaim()) return;
    }
  }

  /**
   * Sends the call to the least busy runtime with a free slot or, failing that, ahead to one with
   * room in its lookahead. A call sent ahead and not yet reported started may be running already,
   * so it counts against the slots: a runtime never runs more than maxInFlight at once.
   */
  private sendNow(call: Call): boolean {
    let best: Runtime | undefined;
    let ahead: Runtime | undefined;
    for (const slot of this.slots) {
      const runtime = slot.runtime;
      if (!slot.ready || runtime === undefined) continue;
      if (runtime.inFlight < this.options.maxInFlight) {
        if (best === undefined || runtime.inFlight < best.inFlight) best = runtime;
      } else if (runtime.inFlight < this.options.maxInFlight + this.options.lookahead) {
        if (ahead === undefined || runtime.inFlight < ahead.inFlight) ahead = runtime;
      }
    }
    if (best !== undefined) best.send(call, false);
    else if (ahead !== undefined) ahead.send(call, true);
    else return false;
    return true;
  }

  private dispatch(): void {
    while (this.head < this.queue.length) {
      const call = this.queue[this.head] as Call;
      if (!call.settled && !this.sendNow(call)) break;
      this.head += 1;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private rejectQueued(error: () => RunnerError): void {
    const queued = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const call of queued) call.reject(error());
  }

  private killAll(error: () => RunnerError): void {
    for (const slot of this.slots) slot.runtime?.kill(error);
  }

  private isIdle(): boolean {
    for (let i = this.head; i < this.queue.length; i++) if (!(this.queue[i] as Call).settled) return false;
    return this.slots.every((slot) => slot.runtime === undefined || slot.runtime.inFlight === 0);
  }

  private checkIdle(): void {
    if (this.state === 'open' || this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
