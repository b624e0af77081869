// At most `concurrency` jobs hold a process at once; the rest wait in arrival order. The counting
// is the runner's CallSlots, the one owner of "start the next waiting one when a slot frees".
import { CallSlots } from '@millrace/dedicated-runner/runtime/call-slots.mjs';

export type SlotGrant = 'acquired' | 'aborted' | 'closed';
type Grant = (grant: SlotGrant) => void;

export class Slots {
  readonly #slots: CallSlots<Grant>;

  constructor(concurrency: number) {
    this.#slots = new CallSlots<Grant>(concurrency, (grant) => grant('acquired'));
  }

  acquire(signal: AbortSignal): Promise<SlotGrant> {
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const grant: Grant = (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = () => {
        if (this.#slots.drop((waiting) => waiting === grant)) grant('aborted');
      };
      if (this.#slots.admit(grant)) {
        resolve('acquired');
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A slot now if one is free (the caller must release it); false leaves nothing waiting. */
  tryAcquire(): boolean {
    if (this.#slots.running >= this.#slots.limit) return false;
    return this.#slots.admit(() => {});
  }

  release(): void {
    this.#slots.release();
  }

  /** Turns every waiting job away. */
  close(): void {
    for (const grant of this.#slots.takeWaiting()) grant('closed');
  }
}
