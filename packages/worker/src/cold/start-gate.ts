// Holds the cold executor's background work (a waiting job's import, the replacement spare that
// follows it) until every job told to start has begun its main. On a machine with few cores an
// import or a node boot begun at that moment takes the CPU the starting job needs, and the job
// starts milliseconds late (measured: docs/isolation.md, "Cost of isolation").
export class StartGate {
  readonly #starting = new Set<Promise<void>>();

  /** A job was told to start; `begun` settles once it has, or once its process is gone. */
  starting(begun: Promise<void>): void {
    this.#starting.add(begun);
    begun.then(() => this.#starting.delete(begun));
  }

  /** Settles once every start handed out so far has begun. */
  calm(): Promise<void> {
    if (this.#starting.size === 0) return Promise.resolve();
    return Promise.all(this.#starting).then(() => undefined);
  }
}
