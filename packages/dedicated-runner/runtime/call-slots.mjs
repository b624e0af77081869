// @ts-check
// How many calls run at once, written once: at most `limit` run, the rest wait in arrival order
// and the next one starts the moment a running one ends, through `start`, before whoever ended
// hears of it (no round trip between two calls). Used inside the thread worker and the Node
// process wrapper, by the inline runtime and by the cold executor (bundled into their packages).

/** @template T */
export class CallSlots {
  /**
   * @param {number} limit how many may run at once
   * @param {(item: T) => void} start runs a waiting item once a slot frees (it counts as running)
   */
  constructor(limit, start) {
    this.limit = limit;
    this.start = start;
    /** items running now */
    this.running = 0;
    /** @type {T[]} */
    this.waiting = [];
  }

  /**
   * True when the item may start now (it counts as running and the caller starts it); otherwise
   * it waits here and `start` runs it when a slot frees.
   * @param {T} item
   */
  admit(item) {
    if (this.running < this.limit) {
      this.running += 1;
      return true;
    }
    this.waiting.push(item);
    return false;
  }

  /** A running item ended: the next waiting one, if any, is started in its slot. True if one was. */
  release() {
    this.running -= 1;
    if (this.running >= this.limit || this.waiting.length === 0) return false;
    this.running += 1;
    this.start(/** @type {T} */ (this.waiting.shift()));
    return true;
  }

  /**
   * Removes the first waiting item that `matches`; false when none waits (started, ended, unknown).
   * @param {(item: T) => boolean} matches
   */
  drop(matches) {
    const i = this.waiting.findIndex(matches);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  /** Takes every waiting item out (closing): none of them will be started. */
  takeWaiting() {
    return this.waiting.splice(0);
  }
}
