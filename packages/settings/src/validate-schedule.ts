import { InvalidFailureHandlerError, InvalidScheduleError } from './errors';
import { failureHandlerTargetSchema, scheduleInputSchema, scheduleNameSchema } from './schedule-schemas';
import type { FailureHandlerTarget, ScheduleInput } from './schedule-types';
import { scriptPathSchema } from './schemas';
import { describeIssues } from './validate';

/** The boundary of schedules and failure handlers: input parsed once, into typed errors. */

export function validateScheduleName(name: unknown): string {
  const parsed = scheduleNameSchema.safeParse(name);
  if (!parsed.success)
    throw new InvalidScheduleError([`name ${JSON.stringify(name)}: ${parsed.error.issues[0].message}`]);
  return parsed.data;
}

export function parseScheduleInput(input: unknown): ScheduleInput {
  const parsed = scheduleInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidScheduleError(describeIssues(parsed.error));
  return parsed.data;
}

export function parseFailureHandler(
  target: unknown,
  handler: unknown,
): [FailureHandlerTarget, string | null] {
  const t = failureHandlerTargetSchema.safeParse(target);
  const h = scriptPathSchema.nullable().safeParse(handler);
  const issues = [
    ...(t.success ? [] : ['target: expected { script: <path> } or { group: <name> }']),
    ...(h.success ? [] : [`handler: ${h.error.issues[0].message}`]),
  ];
  if (!t.success || !h.success) throw new InvalidFailureHandlerError(issues);
  return [t.data, h.data];
}
