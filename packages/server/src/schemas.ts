import { z } from 'zod';
import { HttpError } from './errors';
import { MAX_LIST_LIMIT } from './list-page';
import { MAX_STREAM_SEQ } from './log-seq';

// One schema per request shape (docs/http-api.md). The core packages validate values (paths, args,
// ranges) again with their own typed errors; these catch shape problems and unknown fields first.

const JOB_STATUSES = ['queued', 'running', 'success', 'failure', 'canceled'] as const;

/**
 * Any text the server passes on: never the NUL character, which PostgreSQL's text and jsonb
 * cannot hold (it would fail the write as a 500 instead of a 400 here).
 */
const text = () => z.string().refine((s) => !s.includes('\u0000'), 'may not contain the NUL character');

export const deployBody = z
  .object({
    path: text(),
    content: text(),
    language: z.enum(['typescript', 'javascript', 'python']).optional(),
  })
  .strict();

export const scriptSettingsBody = z
  .object({
    dedicated: z.boolean().optional(),
    tag: text().nullable().optional(),
    timeoutMs: z.number().nullable().optional(),
    maxAttempts: z.number().optional(),
    priority: z.number().optional(),
    maxRunning: z.number().nullable().optional(),
    rateLimit: z.object({ max: z.number(), windowMs: z.number() }).strict().nullable().optional(),
  })
  .strict();

export const workerGroupBody = z
  .object({
    tags: z.array(text()).optional(),
    dedicatedWorker: text().nullable().optional(),
    concurrency: z.number().optional(),
    env: z.record(text(), text()).optional(),
    initScript: text().nullable().optional(),
  })
  .strict();

const jobInput = z
  .object({
    path: text(),
    // any JSON value: the queue refuses non-objects with invalid_args, the code clients expect
    args: z.unknown().optional(),
    tag: text().optional(),
    priority: z.number().optional(),
    scheduledFor: text().optional(),
    timeoutMs: z.number().nullable().optional(),
    maxAttempts: z.number().optional(),
    // flow control (docs/flow-control.md): values are checked by the queue
    concurrencyKey: text().optional(),
    concurrencyLimit: z.number().optional(),
    rateLimit: z.object({ max: z.number(), windowMs: z.number() }).strict().optional(),
    uniqueKey: text().optional(),
    uniqueWhileRunning: z.boolean().optional(),
    debounceMs: z.number().optional(),
  })
  .strict();
export type JobInput = z.infer<typeof jobInput>;

export const pushBody = z.union([z.object({ jobs: z.array(jobInput).min(1).max(1000) }).strict(), jobInput]);

export const rerunBody = z.object({ args: z.unknown().optional() }).strict().optional();

const intString = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const listJobsQuery = z
  .object({
    status: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(z.enum(JOB_STATUSES)))
      .optional(),
    path: text().optional(),
    tag: text().optional(),
    worker: text().optional(),
    limit: intString(1, 500).optional(),
    before: text().optional(),
  })
  .strict();

/** Paging of the configuration lists (list-page.ts): ascending lists take `after`, newest-first `before`. */
export const afterPageQuery = z
  .object({ limit: intString(1, MAX_LIST_LIMIT).optional(), after: text().optional() })
  .strict();
export const beforePageQuery = z
  .object({ limit: intString(1, MAX_LIST_LIMIT).optional(), before: text().optional() })
  .strict();

export const scriptQuery = z.object({ version: intString(1, 2 ** 31 - 1).optional() }).strict();

export const workersQuery = z.object({ group: text().optional() }).strict();

export const throughputQuery = z
  .object({ minutes: intString(1, 60).optional(), bucketSeconds: intString(1, 300).optional() })
  .strict();

export const runQuery = z
  .object({
    wait: z.enum(['true', 'false', '1', '0']).optional(),
    full: z.enum(['true', 'false', '1', '0']).optional(),
    timeoutMs: intString(1, 600_000).optional(),
    tag: text().optional(),
    priority: intString(-1000, 1000).optional(),
  })
  .strict();

export const streamQuery = z.object({ after: intString(0, MAX_STREAM_SEQ).optional() }).strict();

/** Parses `value` or throws `400 validation` with the zod issues as details. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new HttpError('validation', `invalid ${what}: ${summary}`, { issues });
}

export const isTrue = (v: string | undefined) => v === 'true' || v === '1';
