// @ts-check
// The script contract, written once (docs/script-contract.md): how `main` is found, how a result
// becomes JSON, how a thrown value is described. Every JavaScript executor runs it — the thread
// worker and the Node process wrapper (through call-core.mjs), the inline runtime (bundled into
// the runner), the generic worker's cold wrapper — and runtime/process_wrapper.py follows the same
// table for Python. It imports nothing that a cold process would not load anyway.
import { inspect } from 'node:util';

/** @typedef {{ name: string, message: string, stack?: string }} ScriptErrorInfo */
/**
 * Why a call failed on the contract's side: the script threw (or failed to load), its result is
 * not JSON, or its result is over the size limit.
 * @typedef {'thrown' | 'not-json' | 'too-large'} FailureKind
 */
/** @typedef {{ json: string } | { error: ScriptErrorInfo, kind: 'not-json' | 'too-large' }} EncodedResult */

/** The error names the contract itself gives (a script's own errors keep their names). */
export const CONTRACT_ERRORS = Object.freeze({
  missingMain: 'MissingMainError',
  resultNotJson: 'ResultNotJsonError',
  resultTooLarge: 'ResultTooLargeError',
});

/**
 * How anything thrown travels: an Error (or an object with a string `message`) keeps its name,
 * message and stack; any other value becomes `Error` with its inspected text as the message.
 * @param {unknown} error
 * @returns {ScriptErrorInfo}
 */
export function errorInfo(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  const like = /** @type {{ name?: unknown, message?: unknown, stack?: unknown } | null} */ (error);
  if (like !== null && typeof like === 'object' && typeof like.message === 'string') {
    const stack = typeof like.stack === 'string' ? like.stack : undefined;
    return { name: String(like.name ?? 'Error'), message: like.message, stack };
  }
  return { name: 'Error', message: `non-error thrown: ${inspect(error)}` };
}

/**
 * The script's `main`: its named export `main`, and nothing else (a default export, function or
 * object, is not looked into — `deployScript` refuses it too).
 * @param {Record<string, unknown>} mod
 * @returns {((args: unknown) => unknown) | undefined}
 */
export function findMain(mod) {
  const main = mod.main;
  return typeof main === 'function' ? /** @type {(args: unknown) => unknown} */ (main) : undefined;
}

/**
 * Imports the script and returns its main; throws `{ loadError }` (a ScriptErrorInfo) when the
 * import throws or there is no main.
 * @param {string} scriptUrl
 * @returns {Promise<(args: unknown) => unknown>}
 */
export async function loadMain(scriptUrl) {
  let mod;
  try {
    mod = await import(scriptUrl);
  } catch (error) {
    const info = errorInfo(error);
    throw { loadError: { ...info, message: `the script failed to load: ${info.message}` } };
  }
  const main = findMain(mod);
  if (main === undefined) {
    const message = 'the script exports no function named main';
    throw { loadError: { name: CONTRACT_ERRORS.missingMain, message } };
  }
  return main;
}

/**
 * The JSON text of a result, or why it has none. `undefined` is `null`; a function, symbol, BigInt
 * or non-finite number at the top is not JSON; inside objects and arrays JSON.stringify's own
 * rules hold (no replacer on purpose: it runs per key and halves throughput).
 * @param {unknown} value
 * @param {number} maxBytes
 * @returns {EncodedResult}
 */
export function encodeResult(value, maxBytes) {
  const type = typeof value;
  if (type === 'function' || type === 'symbol' || type === 'bigint')
    return notJson(`main returned a ${type}, which is not JSON`);
  if (type === 'number' && !Number.isFinite(value))
    return notJson(`main returned ${String(value)}, which is not JSON`);
  let json;
  try {
    json = value === undefined ? 'null' : JSON.stringify(value);
  } catch (error) {
    return notJson(`main returned a value that is not JSON: ${errorInfo(error).message}`);
  }
  // a toJSON() that gives undefined: no JSON text, which reads as undefined does
  if (json === undefined) json = 'null';
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long strings need the exact count.
  if (json.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) {
      const message = `the result is ${bytes} bytes, over the limit of ${maxBytes}`;
      return { error: { name: CONTRACT_ERRORS.resultTooLarge, message }, kind: 'too-large' };
    }
  }
  return { json };
}

/**
 * @param {string} message
 * @returns {EncodedResult}
 */
function notJson(message) {
  return { error: { name: CONTRACT_ERRORS.resultNotJson, message }, kind: 'not-json' };
}
