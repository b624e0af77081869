// Restart delay after crashes: doubles per consecutive crash, resets once a runtime has lived long enough.
export class Backoff {
  private crashes = 0;
  private lastCrashAt = 0;

  constructor(private readonly options: { initialMs: number; maxMs: number; resetAfterMs: number }) {}

  /** Records a crash and returns how long to wait before the next start. */
  next(now = Date.now()): number {
    if (now - this.lastCrashAt > this.options.resetAfterMs) this.crashes = 0;
    this.lastCrashAt = now;
    const delay = Math.min(this.options.initialMs * 2 ** this.crashes, this.options.maxMs);
    this.crashes += 1;
    return delay;
  }
}
