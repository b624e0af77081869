// What a thread runtime and a process runtime share: the calls they hold, whether the script
// loaded, and how the runtime ended, told once to its calls and once to the pool. A subclass
// only moves calls over its channel (postMessage, stdio) and starts and stops what runs them.
// Calls sent ahead wait inside the runtime and start there the moment a running call ends: the
// host hears 'started' afterwards, so no round trip sits between two jobs. Until then a call can
// be dropped (cancel) without touching the runtime, and a runtime that dies hands it back to the
// pool, since it never ran.
import type { Call } from './call';
import { CallTable } from './call-table';
import { LoadError, type RunnerError, RuntimeCrashedError, type ScriptErrorInfo } from './errors';
import { type ExitKind, type Runtime, type RuntimeEvents, siblingLostMessage } from './runtime';

export abstract class RemoteRuntime implements Runtime {
  readonly ready: Promise<void>;
  protected readonly table = new CallTable();
  /** Set once the runtime is on its way out: closed on purpose, killed, or crashed. */
  protected exitKind: ExitKind | undefined;
  private exitReported = false;
  private killError: (() => RunnerError) | undefined;
  private settleReady!: (error?: Error) => void;

  constructor(
    /** 'thread' or 'process': how messages name what died. */
    private readonly runtimeName: 'thread' | 'process',
    private readonly events: RuntimeEvents,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.settleReady = (error) => (error ? reject(error) : resolve());
    });
    this.ready.catch(() => {}); // the pool awaits it; a runtime may die before anyone does
  }

  get inFlight(): number {
    return this.table.size;
  }

  send(call: Call, ahead: boolean): void {
    if (this.exitKind !== undefined && this.exitKind !== 'closed') {
      call.reject(this.killError?.() ?? new RuntimeCrashedError('the runtime had already stopped'));
      return;
    }
    call.holder = this;
    if (!ahead) call.start();
    this.table.add(call);
    this.transmit(call, ahead);
  }

  evict(call: Call, error: RunnerError): void {
    if (!this.table.has(call)) return;
    if (!call.started) {
      // Still queued in the runtime, as far as we know: ask it to drop the call. It answers
      // 'dropped', or 'started' if it began first, and then the call is stopped like any other.
      call.dropError ??= error;
      this.askToDrop(call);
      return;
    }
    this.table.remove(call);
    call.reject(error);
    // Sync code cannot be interrupted: the only way to stop the call is to stop its runtime.
    const name = this.runtimeName;
    this.kill(() => new RuntimeCrashedError(siblingLostMessage(name, error.reason), { lost: 'replaced' }));
  }

  kill(error: () => RunnerError): void {
    if (this.exitKind !== undefined) return;
    this.exitKind = 'killed';
    this.killError = error;
    const unstarted = this.endCalls(error);
    this.terminate();
    // Tell the pool now, not at exit: a dying runtime must not be handed new calls meanwhile.
    this.reportExit('killed');
    this.giveBack(unstarted);
  }

  abstract close(): Promise<void>;

  /** Sends a call the table now holds; one that cannot be sent is settled through the table. */
  protected abstract transmit(call: Call, ahead: boolean): void;

  /** Asks the runtime to drop a call it holds queued. */
  protected abstract transmitDrop(call: Call): void;

  /** Stops the thread or process now, without waiting for its calls. */
  protected abstract terminate(): void;

  /** Some calls settled: the pool may hand this runtime more. */
  protected settled(): void {
    this.events.onSettled(this);
  }

  /** The runtime began a call it had queued, at `startedAtMs` by its clock. */
  protected callStarted(id: number, startedAtMs: number): void {
    const call = this.table.get(id);
    if (call === undefined || call.started) return;
    call.start(startedAtMs);
    if (call.dropError !== undefined) this.evict(call, call.dropError);
  }

  /**
   * Asks the runtime to give back a call it holds and has not started, because another runtime has
   * a free slot: otherwise the call would wait for this one's running call (a whole job) while the
   * other sits idle. False when it holds none.
   */
  reclaim(): boolean {
    for (const call of this.table.values()) {
      if (call.started || call.dropAsked) continue;
      this.askToDrop(call);
      return true;
    }
    return false;
  }

  private askToDrop(call: Call): void {
    if (call.dropAsked) return;
    call.dropAsked = true;
    this.transmitDrop(call);
  }

  /** The runtime dropped a queued call, as asked: canceled, or handed back to run elsewhere. */
  protected callDropped(id: number): void {
    const call = this.table.get(id);
    if (call === undefined || call.started) return;
    this.table.remove(call);
    if (call.dropError !== undefined) call.reject(call.dropError);
    else {
      call.dropAsked = false;
      this.events.onReturned([call]);
    }
  }

  protected scriptLoaded(): void {
    this.settleReady();
  }

  protected scriptFailedToLoad(info: ScriptErrorInfo): void {
    this.settleReady(new LoadError(info.message, info));
    this.exitKind ??= 'crashed';
    this.terminate();
  }

  /** The thread or process is gone (`why` says how): fail what it held and tell the pool. */
  protected afterExit(why: string, cause?: unknown): void {
    const kind = this.exitKind ?? 'crashed';
    this.exitKind = kind;
    this.settleReady(
      new RuntimeCrashedError(`the ${this.runtimeName} died while loading the script: ${why}`),
    );
    const unstarted = this.endCalls(this.killError ?? (() => new RuntimeCrashedError(why, { cause })));
    this.reportExit(kind);
    this.giveBack(unstarted);
  }

  /** Fails the calls that ran here; returns those that never started (a dropped one is rejected). */
  private endCalls(error: () => RunnerError): Call[] {
    const unstarted: Call[] = [];
    for (const call of this.table.takeAll()) {
      if (call.started) call.reject(error());
      else if (call.dropError !== undefined) call.reject(call.dropError);
      else unstarted.push(call);
    }
    return unstarted;
  }

  /** Once the pool knows this runtime is gone: the calls that never ran here go back to it. */
  private giveBack(calls: Call[]): void {
    if (calls.length > 0) this.events.onReturned(calls);
  }

  private reportExit(kind: ExitKind): void {
    if (this.exitReported) return;
    this.exitReported = true;
    this.events.onExit(this, kind);
  }
}
