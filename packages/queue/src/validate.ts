import { validateScriptPath } from '@millrace/settings';
import { z } from 'zod';
import { ArgsTooLargeError, InvalidArgsError, InvalidJobOptionsError } from './errors';
import { flowOptionRules, flowOptions } from './flow-options';
import { findNotJson } from './json-args';
import type { PushOptions } from './types';

// Every public queue call checks its input here, before any SQL runs: bad input writes nothing.

const pushOptionsSchema = z
  .object({
    tag: z
      .string()
      .regex(/^[a-z0-9_:/.-]{1,200}$/i, 'tag: 1–200 characters of a-z 0-9 _ : / . -')
      .optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    scheduledFor: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
    timeoutMs: z.number().int().min(1).max(86_400_000).nullable().optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    ...flowOptions,
  })
  .strict()
  .superRefine(flowOptionRules);

export interface ValidPush {
  path: string;
  argsJson: string;
  options: PushOptions;
}

export function validatePush(
  path: unknown,
  args: unknown,
  options: unknown,
  maxArgsBytes: number,
): ValidPush {
  validateScriptPath(path as string);
  const argsJson = validateArgs(args ?? {}, maxArgsBytes);
  const parsed = pushOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new InvalidJobOptionsError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; '),
    );
  }
  const scheduledFor = parsed.data.scheduledFor;
  if (scheduledFor instanceof Date && Number.isNaN(scheduledFor.getTime())) {
    throw new InvalidJobOptionsError('scheduledFor: invalid date');
  }
  // PostgreSQL has no year 0 and cannot parse the signed six-digit years toISOString() gives
  // outside 0001–9999: refuse them here rather than fail in SQL with an untyped error.
  const year = scheduledFor === undefined ? 1 : new Date(scheduledFor).getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new InvalidJobOptionsError('scheduledFor: the year must be between 1 and 9999');
  }
  return { path: path as string, argsJson, options: parsed.data };
}

/** Args must be a plain JSON object that survives serialisation unchanged, within the size limit. */
export function validateArgs(args: unknown, maxArgsBytes: number): string {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new InvalidArgsError(
      `args must be a JSON object, got ${args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args}`,
    );
  }
  const notJson = findNotJson(args);
  if (notJson) throw new InvalidArgsError(`${notJson.path}: ${notJson.problem}`);
  let json: string;
  try {
    json = JSON.stringify(args); // the walk refused what it throws on (BigInt, cycles); a getter still may
  } catch (err) {
    throw new InvalidArgsError(`args are not serialisable as JSON: ${(err as Error).message}`);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxArgsBytes) throw new ArgsTooLargeError(bytes, maxArgsBytes);
  // PostgreSQL's jsonb refuses the NUL character; refuse it here with a clear message instead.
  if (ESCAPED_NUL.test(json)) throw new InvalidArgsError('args may not contain the NUL character (\\u0000)');
  // JSON.stringify escapes a lone UTF-16 surrogate as \udXXX; jsonb refuses it.
  if (LONE_SURROGATE.test(json))
    throw new InvalidArgsError('args may not contain unpaired UTF-16 surrogates (malformed Unicode text)');
  return json;
}

/** An escaped surrogate (\\ud800–\\udfff) preceded by an even number of backslashes, i.e. a real escape. */
/** A real `\\u0000` escape (not the text backslash-u-0000, which JSON writes as `\\\\u0000`). */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

const LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

// ids are PostgreSQL bigints: 19 digits may still be past 2^63 - 1, which the database refuses
const MAX_JOB_ID = 2n ** 63n - 1n;
const jobIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/)
  .refine((id) => id.length < 19 || BigInt(id) <= MAX_JOB_ID);

/** Job ids are decimal strings within bigint's range; anything else cannot name a job. */
export function isJobId(id: unknown): id is string {
  return jobIdSchema.safeParse(id).success;
}
