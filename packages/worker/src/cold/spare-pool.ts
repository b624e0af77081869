// Keeps a few cold processes started before their jobs exist, to hide node's start-up time.
// Each spare is still used for exactly one job. A spare is started with the env known so far (the
// group env); a job whose env differs gets a fresh process instead, and later spares use its env.
// How many: see spare-target.ts.
import type { ColdProcess } from './cold-process';
import { type SpareCounts, SpareTarget } from './spare-target';

export class SparePool {
  readonly #start: (env: Record<string, string>) => ColdProcess;
  readonly #target: SpareTarget;
  #spares: ColdProcess[] = [];
  #env: Record<string, string>;
  #envKey: string;
  #closed = false;

  /** `afterFirstJob`: start none until the first `take` (whose replacement fills the pool) */
  constructor(
    start: (env: Record<string, string>) => ColdProcess,
    counts: SpareCounts,
    env: Record<string, string>,
    { afterFirstJob = false } = {},
  ) {
    this.#start = start;
    this.#target = new SpareTarget(counts);
    this.#env = env;
    this.#envKey = envKey(env);
    if (!afterFirstJob) this.#fill();
  }

  /** A process for a job with this env: a booted spare if there is one, else the oldest, else a fresh one. */
  take(env: Record<string, string>): ColdProcess {
    const key = envKey(env);
    if (key !== this.#envKey) {
      this.#env = env;
      this.#envKey = key;
      this.#discard(this.#spares.splice(0));
    }
    const booted = this.#spares.findIndex((spare) => spare.isReady);
    const foundBooting = booted === -1 && this.#spares.length > 0;
    const proc =
      (booted === -1 ? this.#spares.shift() : this.#spares.splice(booted, 1)[0]) ?? this.#start(env);
    this.#target.taken({
      gotBooted: booted !== -1,
      foundBooting,
      bootedLeft: this.#spares.filter((spare) => spare.isReady).length,
    });
    // Start the replacement as soon as the job is on its way (or its process is gone), not before:
    // spawn() blocks the host's event loop (it forks the host: 2-70 ms, growing with the host's
    // memory), which must not delay the hand-off.
    proc.handedOver.then(() => this.#fill());
    return proc;
  }

  /** Stops every spare; later `take` calls still work but start no spares. */
  close(): void {
    this.#closed = true;
    this.#discard(this.#spares.splice(0));
  }

  #fill(): void {
    if (this.#closed) return;
    while (this.#spares.length < this.#target.value) {
      let spare: ColdProcess;
      try {
        spare = this.#start(this.#env);
      } catch {
        // No temp dir or no process right now (disk full, fd limit): jobs start their own process,
        // and the next `take` tries again. This runs in callbacks, where a throw would kill the host.
        return;
      }
      spare.setKeepsHostAlive(false);
      this.#spares.push(spare);
      spare.ready.then((ready) => {
        const index = this.#spares.indexOf(spare);
        if (index === -1 || ready) return;
        // It died idle. Replace it only when the next job takes one, so a node that cannot start at
        // all does not turn into a spawn loop.
        this.#spares.splice(index, 1);
      });
      spare.ended.then(() => {
        const index = this.#spares.indexOf(spare);
        if (index === -1) return;
        this.#spares.splice(index, 1);
        this.#fill();
      });
    }
  }

  #discard(spares: ColdProcess[]): void {
    // Idle spares hold no job: nothing to wait for, so no grace period.
    for (const spare of spares) spare.terminate(0);
  }
}

function envKey(env: Record<string, string>): string {
  return JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
