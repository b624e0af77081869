// The calls one runtime (thread or process) holds, settled from what the runtime reports.
import type { Call } from './call';
import { type RunnerError, type ScriptErrorInfo, scriptErrorFromWire } from './errors';

export class CallTable {
  private readonly calls = new Map<number, Call>();

  get size(): number {
    return this.calls.size;
  }

  add(call: Call): void {
    this.calls.set(call.id, call);
  }

  remove(call: Call): boolean {
    return this.calls.delete(call.id);
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
    this.calls.delete(id);
    call.resolve(value);
  }

  reject(id: number, error: RunnerError): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.calls.delete(id);
    call.reject(error);
  }

  fail(id: number, info: ScriptErrorInfo, kind?: string): void {
    this.reject(id, scriptErrorFromWire(info, kind));
  }

  rejectAll(error: () => RunnerError): void {
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.reject(error());
  }
}
