// What a thread runtime and a process runtime share: the calls they hold, whether the script
// loaded, and how the runtime ended, told once to its calls and once to the pool. A subclass
// only moves calls over its channel (postMessage, stdio) and starts and stops what runs them.
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

  send(call: Call): void {
    if (this.exitKind !== undefined && this.exitKind !== 'closed') {
      call.reject(this.killError?.() ?? new RuntimeCrashedError('the runtime had already stopped'));
      return;
    }
    call.holder = this;
    this.table.add(call);
    this.transmit(call);
  }

  evict(call: Call, error: RunnerError): void {
    if (!this.table.remove(call)) return;
    call.reject(error);
    // Sync code cannot be interrupted: the only way to stop the call is to stop its runtime.
    const name = this.runtimeName;
    this.kill(() => new RuntimeCrashedError(siblingLostMessage(name, error.reason), { lost: 'replaced' }));
  }

  kill(error: () => RunnerError): void {
    if (this.exitKind !== undefined) return;
    this.exitKind = 'killed';
    this.killError = error;
    this.table.rejectAll(error);
    this.terminate();
    // Tell the pool now, not at exit: a dying runtime must not be handed new calls meanwhile.
    this.reportExit('killed');
  }

  abstract close(): Promise<void>;

  /** Sends a call the table now holds; one that cannot be sent is settled through the table. */
  protected abstract transmit(call: Call): void;

  /** Stops the thread or process now, without waiting for its calls. */
  protected abstract terminate(): void;

  /** Some calls settled: the pool may hand this runtime more. */
  protected settled(): void {
    this.events.onSettled(this);
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
    this.table.rejectAll(this.killError ?? (() => new RuntimeCrashedError(why, { cause })));
    this.reportExit(kind);
  }

  private reportExit(kind: ExitKind): void {
    if (this.exitReported) return;
    this.exitReported = true;
    this.events.onExit(this, kind);
  }
}
