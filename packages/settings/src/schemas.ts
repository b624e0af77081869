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
  /** running jobs of the script at once, across every worker (docs/flow-control.md) */
  maxRunning: z.int().min(1).max(10_000).nullable().optional(),
  /** at most `max` starts in any `windowMs` (a sliding window) */
  rateLimit: z
    .strictObject({ max: z.int().min(1).max(10_000), windowMs: z.int().min(1).max(86_400_000) })
    .nullable()
    .optional(),
});

export const workerGroupNameSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, 'name must be 1-64 chars of a-z 0-9 _ -');

const ENV_MAX_KEYS = 100;
/**
 * Linux refuses to exec with one `NAME=value` string over MAX_ARG_STRLEN (32 pages, 128 KiB with its
 * NUL) or with argv + env over ARG_MAX (a quarter of the stack limit, 2 MiB by default): every job
 * spawn would fail with E2BIG. The executor adds a few variables of its own, so the total is kept
 * well under ARG_MAX.
 */
export const ENV_MAX_ENTRY_BYTES = 128 * 1024;
export const ENV_MAX_TOTAL_BYTES = 1024 * 1024;
const ENV_NAME_RE = /^[A-Z_][A-Z0-9_]*$/i;
const entryBytes = (name: string, value: string) => Buffer.byteLength(name) + Buffer.byteLength(value) + 2;

/** A user the job processes run as: a user name, or a numeric uid with an optional gid. */
export const RUN_AS_RE = /^(?:[a-z_][a-z0-9_.-]{0,31}|\d{1,10}(?::\d{1,10})?)$/;

const envSchema = z
  .record(
    z.string(),
    z.string().refine((value) => !value.includes('\0'), 'env values may not contain NUL bytes'),
  )
  .superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > ENV_MAX_KEYS)
      ctx.addIssue({ code: 'custom', message: `at most ${ENV_MAX_KEYS} env vars` });
    let total = 0;
    for (const name of names) {
      // no "=" (it ends the name) and no NUL: the kernel could not tell the entries apart
      if (!ENV_NAME_RE.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'env names must match [A-Z_][A-Z0-9_]*' });
      }
      const bytes = entryBytes(name, env[name] as string);
      total += bytes;
      if (bytes > ENV_MAX_ENTRY_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name}=… is ${bytes} bytes with its terminator, over the ${ENV_MAX_ENTRY_BYTES} byte limit of one environment string (MAX_ARG_STRLEN): no process could be started with it`,
        });
      }
    }
    if (total > ENV_MAX_TOTAL_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `env is ${total} bytes in all, over the ${ENV_MAX_TOTAL_BYTES} byte limit`,
      });
    }
  });

export const workerGroupInputSchema = z.strictObject({
  tags: z
    .array(tagSchema)
    .min(1, 'a group must serve at least one tag')
    .max(100)
    .refine((tags) => new Set(tags).size === tags.length, 'tags must be unique')
    .optional(),
  dedicatedWorker: scriptPathSchema.nullable().optional(),
  concurrency: z.int().min(1).max(1024).optional(),
  env: envSchema.optional(),
  initScript: storableText()
    .max(1024 * 1024)
    .nullable()
    .optional(),
  /** RLIMIT_DATA of each job process, MiB */
  memoryLimitMb: z
    .int()
    .min(64)
    .max(1024 * 1024)
    .optional(),
  /** timeout of jobs whose script and push set none */
  defaultTimeoutMs: z.int().min(1).max(86_400_000).optional(),
  runAs: z
    .string()
    .regex(RUN_AS_RE, 'runAs must be a user name or uid[:gid]')
    .refine((v) => v !== 'root' && !/^0(?::|$)/.test(v), 'runAs may not be root: it would isolate nothing')
    .nullable()
    .optional(),
});
