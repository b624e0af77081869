// What a job hands back (logs, result, error) must never be refused by PostgreSQL: one refused row
// fails the whole batch it rides in. PostgreSQL text cannot hold NUL, and jsonb refuses the
// `\u0000` escape and escaped unpaired UTF-16 surrogates (JSON.stringify writes a lone surrogate
// as `\udXXX`). The rule (docs/reliability.md): logs and errors keep every other character and get
// U+FFFD in place of those; a result holding one is not storable and fails its job alone.

import type { JobError } from './types';

/** NUL, or a UTF-16 surrogate without its partner (matched code unit by code unit: no `u` flag). */
const UNSTORABLE_CHAR = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** In JSON text: a real `\u0000` or `\udXXX` escape (an even run of backslashes before it). */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g;

/** Log text as PostgreSQL can store it: NUL and unpaired surrogates become U+FFFD. */
export function storableText(text: string): string {
  UNSTORABLE_CHAR.lastIndex = 0;
  return UNSTORABLE_CHAR.test(text) ? text.replace(UNSTORABLE_CHAR, '\uFFFD') : text;
}

/** JSON text with its NUL and lone-surrogate escapes turned into U+FFFD escapes. */
function storableJsonText(json: string): string {
  // JSON.stringify writes `\u` only for control characters and lone surrogates: a cheap first test
  return json.includes('\\u') ? json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : json;
}

function hasUnstorableEscape(json: string): string | null {
  if (!json.includes('\\u')) return null;
  UNSTORABLE_ESCAPE.lastIndex = 0;
  const m = UNSTORABLE_ESCAPE.exec(json);
  if (!m) return null;
  return m[0].endsWith('0000') ? 'the NUL character (\\u0000)' : 'an unpaired UTF-16 surrogate';
}

/** A result's JSON text, or why PostgreSQL cannot store it. `undefined` is stored as null. */
export function resultJson(value: unknown): { json: string | null } | { notStorable: string } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return { notStorable: `it is not JSON-serialisable: ${(err as Error).message}` };
  }
  if (json === undefined) return { json: null };
  const bad = hasUnstorableEscape(json);
  return bad ? { notStorable: `it contains ${bad}, which PostgreSQL cannot store` } : { json };
}

/** An error's JSON text, sanitized like logs; an error that does not serialise keeps its message. */
export function errorJson(error: JobError | undefined | null): string | null {
  if (error == null) return null;
  // an Error instance (a host calling queue.fail directly) keeps its non-enumerable fields
  const plain =
    error instanceof Error
      ? { ...error, name: error.name, message: error.message, stack: error.stack }
      : error;
  let json: string | undefined;
  try {
    json = JSON.stringify(plain);
  } catch {
    json = JSON.stringify({
      name: typeof error.name === 'string' ? error.name : undefined,
      message: String(error.message),
      reason: typeof error.reason === 'string' ? error.reason : undefined,
    });
  }
  return json === undefined ? null : storableJsonText(json);
}

/** The error a job ends with when its result cannot be stored. */
export function resultNotStorableError(why: string): JobError {
  return {
    name: 'ResultNotStorableError',
    message: `the result cannot be stored: ${why} (return such data encoded, e.g. as base64)`,
    reason: 'result_not_storable',
  };
}
