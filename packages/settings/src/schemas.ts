import { z } from 'zod';
import { DEDICATED_PREFIX } from './tag';

/**
 * Every input shape of the package, in one place. Public calls parse through `validate.ts`,
 * which turns zod issues into the package's typed errors.
 */

export const SCRIPT_PATH_MAX = 255;

/** Text stored in a PostgreSQL text column: anything but NUL, which the database cannot hold. */
const storableText = () =>
  z.string().refine((s) => !s.includes('\u0000'), 'may not contain the NUL character');
const SCRIPT_PATH_RE = /^[a-z0-9_-]+(?:\/[a-z0-9_-]+)+$/;

export const scriptPathSchema = z
  .string()
  .max(SCRIPT_PATH_MAX)
  .regex(SCRIPT_PATH_RE, 'expected at least two segments of a-z0-9_- separated by "/"');

export const languageSchema = z.enum(['typescript', 'javascript', 'python']);

export const deployInputSchema = z.strictObject({
  path: z.unknown(),
  content: storableText(),
  language: languageSchema.default('typescript'),
});

/** A routing tag chosen by a user; `dedicated:` is reserved for dedicated routing. */
export const tagSchema = z
  .string()
  .regex(/^[a-z0-9_:/.-]{1,100}$/i, 'tag must be 1-100 chars of a-z 0-9 _ : / . -')
  .refine(
    (t) => !t.toLowerCase().startsWith(DEDICATED_PREFIX),
    `tag may not start with "${DEDICATED_PREFIX}" (reserved)`,
  );

export const scriptSettingsPatchSchema = z.strictObject({
  dedicated: z.boolean().optional(),
  tag: tagSchema.nullable().optional(),
  timeoutMs: z.int().min(1).max(86_400_000).nullable().optional(),
  maxAttempts: z.int().min(1).max(100).optional(),
  priority: z.int().min(-1000).max(1000).optional(),
});

export const workerGroupNameSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, 'name must be 1-64 chars of a-z 0-9 _ -');

const ENV_MAX_KEYS = 100;

export const workerGroupInputSchema = z.strictObject({
  tags: z
    .array(tagSchema)
    .min(1, 'a group must serve at least one tag')
    .max(100)
    .refine((tags) => new Set(tags).size === tags.length, 'tags must be unique')
    .optional(),
  dedicatedWorker: scriptPathSchema.nullable().optional(),
  concurrency: z.int().min(1).max(1024).optional(),
  env: z
    .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/i, 'env names must match [A-Z_][A-Z0-9_]*'), storableText())
    .refine((env) => Object.keys(env).length <= ENV_MAX_KEYS, `at most ${ENV_MAX_KEYS} env vars`)
    .optional(),
  initScript: storableText()
    .max(1024 * 1024)
    .nullable()
    .optional(),
});
