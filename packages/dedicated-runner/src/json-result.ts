// Host-side twin of encodeResult in runtime/call-core.mjs, for the inline runtime: a result
// must be JSON and within the size limit whichever runtime produced it.
import { errorInfo, ResultNotJsonError, ResultTooLargeError, type ScriptError } from './errors';

export function encodeResult(value: unknown, maxBytes: number): { json: string } | { error: ScriptError } {
  if (typeof value === 'function' || typeof value === 'symbol') {
    const message = `main returned a ${typeof value}, which is not JSON`;
    return { error: new ResultNotJsonError({ name: 'ResultNotJsonError', message }) };
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    const message = `main returned a value that is not JSON: ${errorInfo(error).message}`;
    return { error: new ResultNotJsonError({ name: 'ResultNotJsonError', message }) };
  }
  if (json === undefined) json = 'null';
  if (json.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxBytes) {
      const message = `the result is ${bytes} bytes, over the limit of ${maxBytes}`;
      return { error: new ResultTooLargeError({ name: 'ResultTooLargeError', message }) };
    }
  }
  return { json };
}
