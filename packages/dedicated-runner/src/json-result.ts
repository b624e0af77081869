// The inline runtime's side of the script contract: the same encodeResult every runtime runs
// (runtime/script-contract.mjs, bundled in), its failures as the runner's error classes.
import { encodeResult as encodeContractResult } from '../runtime/script-contract.mjs';
import { type ScriptError, scriptErrorFromWire } from './errors';

export function encodeResult(value: unknown, maxBytes: number): { json: string } | { error: ScriptError } {
  const encoded = encodeContractResult(value, maxBytes);
  if ('json' in encoded) return encoded;
  return { error: scriptErrorFromWire(encoded.error, encoded.kind) };
}
