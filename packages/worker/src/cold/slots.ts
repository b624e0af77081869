// At most `concurrency` jobs hold a process at once; the rest wait in arrival order.
export type SlotGrant = 'acquired' | 'aborted' | 'closed';

export class Slots {
  #free: number;
  readonly #waiting: Array<(grant: SlotGrant) => void> = [];

  constructor(concurrency: number) {
    this.#free = concurrency;
  }

  acquire(signal: AbortSignal): Promise<SlotGrant> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve('acquired');
    }
    return new Promise((resolve) => {
      const grant = (result: SlotGrant) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index !== -1) this.#waiting.splice(index, 1);
        grant('aborted');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next('acquired');
    else this.#free++;
  }

  /** Turns every waiting job away. */
  close(): void {
    for (const grant of this.#waiting.splice(0)) grant('closed');
  }
}
