// @ts-check
// Shared by the thread worker and the Node process wrapper: run calls with console.* routed to the
// call that wrote it (AsyncLocalStorage). The contract itself (main, results, errors) is
// script-contract.mjs; how many calls run at once is call-slots.mjs.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format, inspect } from 'node:util';
import { encodeResult, errorInfo } from './script-contract.mjs';

export { loadMain } from './script-contract.mjs';

/** @typedef {import('./script-contract.mjs').ScriptErrorInfo} ScriptErrorInfo */
/** @typedef {import('./script-contract.mjs').FailureKind} FailureKind */
/** @typedef {(args: unknown) => unknown} Main */
/** @typedef {(id: number, json: string) => void} OnResult */
/** @typedef {(id: number, error: ScriptErrorInfo, kind: FailureKind) => void} OnError */

/** @type {AsyncLocalStorage<number>} */
const callIds = new AsyncLocalStorage();

/** The id of the call running in this async context, or 0 outside any call. */
export function currentCallId() {
  return callIds.getStore() ?? 0;
}

/**
 * Routes console.* to `emitLog(callId, text)`; text ends with a newline, like the terminal would show.
 * @param {(id: number, text: string) => void} emitLog
 */
export function captureConsole(emitLog) {
  /** @param {unknown[]} args */
  const line = (...args) => emitLog(currentCallId(), `${format(...args)}\n`);
  for (const method of /** @type {const} */ (['log', 'info', 'warn', 'error', 'debug']))
    console[method] = line;
  /** @param {unknown[]} args */
  console.trace = (...args) => {
    const stack = new Error().stack?.split('\n').slice(2).join('\n') ?? '';
    emitLog(currentCallId(), `Trace: ${format(...args)}\n${stack}\n`);
  };
  /** @type {(value: unknown, options?: import('node:util').InspectOptions) => void} */
  console.dir = (value, options) => emitLog(currentCallId(), `${inspect(value, options)}\n`);
}

/**
 * Runs main(args) for one call inside its own log context and reports through the callbacks.
 * Plain callbacks, not an async function: one promise fewer per call on the hot path.
 * @param {Main} main
 * @param {number} id
 * @param {unknown} args
 * @param {number} maxBytes
 * @param {OnResult} onResult
 * @param {OnError} onError
 */
export function runCall(main, id, args, maxBytes, onResult, onError) {
  /** @param {unknown} value */
  const succeed = (value) => {
    const encoded = encodeResult(value, maxBytes);
    if ('json' in encoded) onResult(id, encoded.json);
    else onError(id, encoded.error, encoded.kind);
  };
  /** @param {unknown} error */
  const fail = (error) => onError(id, errorInfo(error), 'thrown');
  let value;
  try {
    value = callIds.run(id, main, args);
  } catch (error) {
    fail(error);
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (/** @type {any} */ (value).then) === 'function')
    /** @type {PromiseLike<unknown>} */ (value).then(succeed, fail);
  else succeed(value);
}
