import { validateScriptPath } from '@millrace/settings';
import { z } from 'zod';
import { ArgsTooLargeError, InvalidArgsError, InvalidJobOptionsError } from './errors';
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
  })
  .strict();

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
  return { path: path as string, argsJson, options: parsed.data };
}

/** Args must be a plain JSON object that survives serialisation, within the size limit. */
export function validateArgs(args: unknown, maxArgsBytes: number): string {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new InvalidArgsError(
      `args must be a JSON object, got ${args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args}`,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(args);
  } catch (err) {
    throw new InvalidArgsError(`args are not serialisable as JSON: ${(err as Error).message}`);
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > maxArgsBytes) throw new ArgsTooLargeError(bytes, maxArgsBytes);
  // PostgreSQL's jsonb refuses the NUL character; refuse it here with a clear message instead.
  if (json.includes('\\u0000'))
    throw new InvalidArgsError('args may not contain the NUL character (\\u0000)');
  return json;
}

const jobIdSchema = z.string().regex(/^[1-9][0-9]{0,18}$/);

/** Job ids are decimal strings; anything else cannot name a job. */
export function isJobId(id: unknown): id is string {
  return jobIdSchema.safeParse(id).success;
}
