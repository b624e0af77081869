// How many spares the pool keeps: at least `min`. A job that finds spares still booting and none
// booted means start-ups take longer than the gap between jobs (short jobs, a busy machine), so one
// more is kept, up to `max`; a job that leaves two or more booted spares behind lets the count
// drop by one again. More than needed costs memory, and spares booting at once compete with the
// running job for the CPU (bench/results/cold-start.md), so the count moves one step at a time.
export interface SpareCounts {
  /** spares kept at all times */
  min: number;
  /** spares kept while jobs keep arriving faster than a process boots */
  max: number;
}

/** What a job saw when it took its process. */
export interface TakeView {
  /** it got a booted spare */
  gotBooted: boolean;
  /** spares were there but still booting (none booted) */
  foundBooting: boolean;
  /** booted spares left after it took one */
  bootedLeft: number;
}

export class SpareTarget {
  readonly #counts: SpareCounts;
  #value: number;

  constructor(counts: SpareCounts) {
    this.#counts = counts;
    this.#value = counts.min;
  }

  get value(): number {
    return this.#value;
  }

  /** Adjusts the count after a job took its process; returns the new count. */
  taken(view: TakeView): number {
    if (!view.gotBooted && view.foundBooting) this.#value = Math.min(this.#counts.max, this.#value + 1);
    else if (view.gotBooted && view.bootedLeft >= 2)
      this.#value = Math.max(this.#counts.min, this.#value - 1);
    return this.#value;
  }
}
