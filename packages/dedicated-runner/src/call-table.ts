// The calls one runtime (thread or process) holds, settled from what the runtime reports.
import type { Call } from './call';
import { type InvalidArgsError, type RunnerError, type ScriptErrorInfo, scriptErrorFromWire } from './errors';

export class CallTable {
  private readonly calls = new Map<number, Call>();

  get size(): number {
    return this.calls.size;
  }

  add(call: Call): void {
    this.calls.set(call.id, call);
  }

  has(call: Call): boolean {
    return this.calls.get(call.id) === call;
  }

  values(): IterableIterator<Call> {
    return this.calls.values();
  }

  get(id: number): Call | undefined {
    return this.calls.get(id);
  }

  /** Empties the table and returns what it held. */
  takeAll(): Call[] {
    const calls = [...this.calls.values()];
    this.calls.clear();
    return calls;
  }

  remove(call: Call): boolean {
    if (this.calls.get(call.id) !== call) return false;
    this.calls.delete(call.id);
    return true;
  }

  log(id: number, text: string): boolean {
    const call = this.calls.get(id);
    if (call === undefined) return false;
    call.log(text);
    return true;
  }

  resolve(id: number, value: unknown): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.remove(call);
    call.resolve(value);
  }

  reject(id: number, error: RunnerError | InvalidArgsError): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.remove(call);
    call.reject(error);
  }

  fail(id: number, info: ScriptErrorInfo, kind?: string): void {
    this.reject(id, scriptErrorFromWire(info, kind));
  }
}
