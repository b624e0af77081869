// Shared by the thread worker and the Node process wrapper: load the script once, run calls
// with console.* routed to the call that wrote it (AsyncLocalStorage), encode results as JSON.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format, inspect } from 'node:util';

const callIds = new AsyncLocalStorage();

/** The id of the call running in this async context, or 0 outside any call. */
export function currentCallId() {
  return callIds.getStore() ?? 0;
}

/** Routes console.* to `emitLog(callId, text)`; text ends with a newline, like the terminal would show. */
export function captureConsole(emitLog) {
  const line = (...args) => emitLog(currentCallId(), `${format(...args)}\n`);
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) console[method] = line;
  console.trace = (...args) => {
    const stack = new Error().stack?.split('\n').slice(2).join('\n') ?? '';
    emitLog(currentCallId(), `Trace: ${format(...args)}\n${stack}\n`);
  };
  console.dir = (value, options) => emitLog(currentCallId(), `${inspect(value, options)}\n`);
}

export function errorInfo(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  if (error !== null && typeof error === 'object' && typeof error.message === 'string') {
    return { name: String(error.name ?? 'Error'), message: error.message, stack: error.stack };
  }
  return { name: 'Error', message: `non-error thrown: ${inspect(error)}` };
}

/** Imports the script and returns its main, or throws { loadError } with a readable message. */
export async function loadMain(scriptUrl) {
  let mod;
  try {
    mod = await import(scriptUrl);
  } catch (error) {
    throw {
      loadError: { ...errorInfo(error), message: `the script failed to load: ${errorInfo(error).message}` },
    };
  }
  const main = typeof mod.main === 'function' ? mod.main : mod.default?.main;
  if (typeof main !== 'function') {
    throw { loadError: { name: 'LoadError', message: 'the script exports no main function' } };
  }
  return main;
}

/**
 * JSON text of a result, or an error info with `kind` ('not-json' | 'too-large').
 * No replacer on purpose: it runs per key and halves throughput; nested functions and
 * undefined are dropped exactly as JSON.stringify drops them.
 */
export function encodeResult(value, maxBytes) {
  if (typeof value === 'function' || typeof value === 'symbol') {
    return {
      error: { name: 'ResultNotJsonError', message: `main returned a ${typeof value}, which is not JSON` },
      kind: 'not-json',
    };
  }
  let json;
  try {
    json = value === undefined ? 'null' : JSON.stringify(value);
  } catch (error) {
    return {
      error: {
        name: 'ResultNotJsonError',
        message: `main returned a value that is not JSON: ${errorInfo(error).message}`,
      },
      kind: 'not-json',
    };
  }
  if (json === undefined) json = 'null';
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long strings need the exact count.
  if (json.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) {
      return {
        error: {
          name: 'ResultTooLargeError',
          message: `the result is ${bytes} bytes, over the limit of ${maxBytes}`,
        },
        kind: 'too-large',
      };
    }
  }
  return { json };
}

/**
 * Runs main(args) for one call inside its own log context and reports through the callbacks.
 * Plain callbacks, not an async function: one promise fewer per call on the hot path.
 */
export function runCall(main, id, args, maxBytes, onResult, onError) {
  const succeed = (value) => {
    const encoded = encodeResult(value, maxBytes);
    if (encoded.json !== undefined) onResult(id, encoded.json);
    else onError(id, encoded.error, encoded.kind);
  };
  const fail = (error) => onError(id, errorInfo(error), 'thrown');
  let value;
  try {
    value = callIds.run(id, main, args);
  } catch (error) {
    fail(error);
    return;
  }
  if (value !== null && typeof value === 'object' && typeof value.then === 'function')
    value.then(succeed, fail);
  else succeed(value);
}

/**
 * At most `maxInFlight` calls run at once; the rest wait here in arrival order (the host sends a
 * few ahead so the next one starts the moment a slot frees, with no round trip to the host).
 */
export class Slots {
  constructor(maxInFlight) {
    this.maxInFlight = maxInFlight;
    this.running = 0;
    this.waiting = [];
  }

  /** True when the call may start now (it counts as running); otherwise it waits. */
  admit(id, args) {
    if (this.running < this.maxInFlight) {
      this.running += 1;
      return true;
    }
    this.waiting.push({ id, args });
    return false;
  }

  /** A call ended: the next waiting call to start, already counted as running, if any. */
  release() {
    this.running -= 1;
    if (this.running >= this.maxInFlight || this.waiting.length === 0) return undefined;
    this.running += 1;
    return this.waiting.shift();
  }

  /** Removes a waiting call; false when it is not waiting (started, finished or unknown). */
  drop(id) {
    const i = this.waiting.findIndex((call) => call.id === id);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }
}
