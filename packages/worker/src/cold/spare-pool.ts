// Keeps a few cold processes started before their jobs exist, to hide node's start-up time.
// Each spare is still used for exactly one job. A spare is started with the env known so far (the
// group env); a job whose env differs gets a fresh process instead, and later spares use its env.
//
// How many: at least `min`. A job that finds spares still booting and none booted means start-ups
// take longer than the gap between jobs (short jobs, a busy machine), so one more is kept, up to
// `max`; a job that leaves two or more booted spares behind lets the count drop by one again.
import type { ColdProcess } from './cold-process';

export interface SpareCounts {
  /** spares kept at all times */
  min: number;
  /** spares kept while jobs keep arriving faster than a process boots */
  max: number;
}

export class SparePool {
  readonly #start: (env: Record<string, string>) => ColdProcess;
  readonly #counts: SpareCounts;
  #target: number;
  #spares: ColdProcess[] = [];
  #env: Record<string, string>;
  #envKey: string;
  #closed = false;

  constructor(
    start: (env: Record<string, string>) => ColdProcess,
    counts: SpareCounts,
    env: Record<string, string>,
  ) {
    this.#start = start;
    this.#counts = counts;
    this.#target = counts.min;
    this.#env = env;
    this.#envKey = envKey(env);
    this.#fill();
  }

  /** spares wanted right now, between `min` and `max` */
  get target(): number {
    return this.#target;
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
    const starting = this.#spares.length > 0;
    const proc =
      (booted === -1 ? this.#spares.shift() : this.#spares.splice(booted, 1)[0]) ?? this.#start(env);
    if (booted !== -1) this.#maybeShrink();
    else if (starting) this.#target = Math.min(this.#counts.max, this.#target + 1);
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

  #maybeShrink(): void {
    if (this.#spares.filter((spare) => spare.isReady).length >= 2) {
      this.#target = Math.max(this.#counts.min, this.#target - 1);
    }
  }

  #fill(): void {
    if (this.#closed) return;
    while (this.#spares.length < this.#target) {
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
