// Validation of the run form's JSON args, before anything is sent.

export type ArgsParse = { ok: true; args: Record<string, unknown> } | { ok: false; message: string };

/** Args must be a JSON object; an empty box means `{}`. */
export function parseJobArgs(text: string): ArgsParse {
  if (text.trim() === '') return { ok: true, args: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `Args are not valid JSON: ${detail}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, message: `Args must be a JSON object like {"name": "value"}, not ${kind}.` };
  }
  return { ok: true, args: value as Record<string, unknown> };
}

export const MAX_RUN_COUNT = 1000;

/** "Run N times": a whole number from 1 to MAX_RUN_COUNT. */
export function parseRunCount(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_RUN_COUNT ? n : null;
}
