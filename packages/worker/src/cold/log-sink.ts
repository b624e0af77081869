// Turns a child's output bytes into ctx.onLog calls, capped at a byte budget per job. Past the cap
// the output is still read (a child blocked on a full pipe would hang) but dropped, with one note.
import { StringDecoder } from 'node:string_decoder';

export class LogSink {
  readonly #onLog: (text: string) => void;
  readonly #maxBytes: number;
  readonly #decoder = new StringDecoder('utf8');
  #bytes = 0;
  #truncated = false;

  constructor(onLog: (text: string) => void, maxBytes: number) {
    this.#onLog = onLog;
    this.#maxBytes = maxBytes;
  }

  write(chunk: Buffer): void {
    if (this.#truncated) return;
    const room = this.#maxBytes - this.#bytes;
    if (chunk.length <= room) {
      this.#bytes += chunk.length;
      this.#emit(this.#decoder.write(chunk));
      return;
    }
    this.#bytes = this.#maxBytes;
    this.#truncated = true;
    // end() flushes a half-written multi-byte character as U+FFFD rather than dropping it silently.
    this.#emit(this.#decoder.write(chunk.subarray(0, room)) + this.#decoder.end());
    this.#emit(`\n[millrace] log output truncated after ${this.#maxBytes} bytes\n`);
  }

  end(): void {
    if (!this.#truncated) this.#emit(this.#decoder.end());
  }

  #emit(text: string): void {
    if (text === '') return;
    try {
      this.#onLog(text);
    } catch {
      // A throwing log consumer must not take the job (or the host) down with it.
    }
  }
}
