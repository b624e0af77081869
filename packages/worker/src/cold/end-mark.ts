// Finds the cold wrapper's end-of-output mark in one output stream. In a PID namespace the job's
// pipes are also held open by `unshare` until the job's process has exited, so end-of-file comes
// ~5 ms after the job answered; the wrapper writes a mark (random per process, learnt with the
// job) after its last output instead. What precedes the mark is passed on, a possible start of it
// split across chunks is held back, and what follows it is dropped.
const EMPTY = Buffer.alloc(0);

export class EndMarkReader {
  readonly #mark: Buffer;
  readonly #onData: (chunk: Buffer) => void;
  readonly #onEnd: () => void;
  #held: Buffer = EMPTY;
  #ended = false;

  constructor(mark: Buffer, onData: (chunk: Buffer) => void, onEnd: () => void) {
    this.#mark = mark;
    this.#onData = onData;
    this.#onEnd = onEnd;
  }

  write(chunk: Buffer): void {
    if (this.#ended) return;
    const data = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
    const at = data.indexOf(this.#mark);
    if (at !== -1) {
      this.#held = EMPTY;
      this.#emit(data.subarray(0, at));
      this.#finish();
      return;
    }
    const keep = this.#partialMarkAtEnd(data);
    this.#held = keep > 0 ? Buffer.from(data.subarray(data.length - keep)) : EMPTY;
    this.#emit(data.subarray(0, data.length - keep));
  }

  /** The stream ended (the process is gone) without a mark. */
  end(): void {
    if (this.#ended) return;
    this.#emit(this.#held);
    this.#held = EMPTY;
    this.#finish();
  }

  /** Length of the longest tail of `data` that begins the mark (the mark starts with a NUL byte). */
  #partialMarkAtEnd(data: Buffer): number {
    const from = Math.max(0, data.length - this.#mark.length + 1);
    for (let i = data.indexOf(0, from); i !== -1; i = data.indexOf(0, i + 1)) {
      if (data.subarray(i).equals(this.#mark.subarray(0, data.length - i))) return data.length - i;
    }
    return 0;
  }

  #emit(data: Buffer): void {
    if (data.length > 0) this.#onData(data);
  }

  #finish(): void {
    this.#ended = true;
    this.#onEnd();
  }
}
