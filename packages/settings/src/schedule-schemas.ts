import { z } from 'zod';
import { isKnownTimezone } from './schedule-cron';
import { scriptPathSchema } from './schemas';

/** Input shapes of schedules and failure handlers; parsed through validate-schedule.ts. */

export const SCHEDULE_ARGS_MAX_BYTES = 256 * 1024;

export const scheduleNameSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, 'name must be 1-64 chars of a-z 0-9 _ -');

/** Five fields, six (seconds first) or a nickname; never an ISO date, which croner would run once. */
const cronSchema = z
  .string()
  .max(200)
  .regex(/^(@[a-z]+|\S+(\s+\S+){4,5})$/i, 'cron must be 5 fields, 6 fields (seconds first) or a @nickname');

const argsSchema = z
  .record(z.string(), z.unknown())
  .refine(
    (a) => Buffer.byteLength(JSON.stringify(a)) <= SCHEDULE_ARGS_MAX_BYTES,
    `args may be at most ${SCHEDULE_ARGS_MAX_BYTES} bytes of JSON`,
  )
  .refine((a) => !JSON.stringify(a).includes('\\u0000'), 'args may not contain the NUL character');

export const scheduleInputSchema = z.strictObject({
  path: scriptPathSchema.optional(),
  cron: cronSchema.optional(),
  timezone: z
    .string()
    .max(100)
    .refine(isKnownTimezone, 'unknown timezone (expected an IANA name)')
    .optional(),
  args: argsSchema.optional(),
  enabled: z.boolean().optional(),
  catchUp: z.enum(['one', 'skip']).optional(),
});

export const failureHandlerTargetSchema = z.union([
  z.strictObject({ script: scriptPathSchema }),
  z.strictObject({
    group: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'group must be 1-64 chars of a-z 0-9 _ -'),
  }),
]);
