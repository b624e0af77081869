// Inline calls run on the host's own thread, so capturing console.* means patching the host's
// console: installed while at least one inline runner wants it, removed with the last one.
// Outside a call, the original console methods run untouched.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

export interface LogSink {
  log(text: string): void;
}

export const inlineCallContext = new AsyncLocalStorage<LogSink>();

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
type Method = (typeof METHODS)[number];
let users = 0;
let originals: Record<Method, (...args: unknown[]) => void> | undefined;

export function acquireConsoleCapture(): () => void {
  users += 1;
  if (originals === undefined) {
    const saved = {} as Record<Method, (...args: unknown[]) => void>;
    for (const method of METHODS) {
      const original = console[method];
      saved[method] = original;
      console[method] = (...args: unknown[]) => {
        const sink = inlineCallContext.getStore();
        if (sink === undefined) original.apply(console, args);
        else sink.log(`${format(...args)}\n`);
      };
    }
    originals = saved;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    users -= 1;
    if (users === 0 && originals !== undefined) {
      for (const method of METHODS) console[method] = originals[method];
      originals = undefined;
    }
  };
}
