// A job's path with the types of its args and result, written once by the host and used by
// push, wait, get and a worker's handlers. The types are the host's claim about the script:
// only `parseArgs` (when given) is checked at run time. See docs/typed-jobs.md.
import { validateScriptPath } from '@millrace/settings';
import { InvalidArgsError } from './errors';
import type { JobArgs, PushOptions, PushRequest } from './types';

declare const jobTypes: unique symbol;

/** Carries a job's args and result types; exists only for the compiler. */
interface JobTypes<A, R> {
  readonly [jobTypes]?: { args: A; result: R };
}

export interface JobDefinition<A extends object = JobArgs, R = unknown> extends JobTypes<A, R> {
  readonly path: string;
  /**
   * Checks (and may reshape) args at run time: at `queue.push` and before a typed handler runs.
   * Throws to refuse them, e.g. a zod schema's `.parse`.
   */
  readonly parseArgs?: (args: unknown) => A;
}

/** A job id that remembers the definition it was pushed with; any string is one (untyped). */
export type JobId<A extends object = JobArgs, R = unknown> = string & JobTypes<A, R>;

export interface DefineJobOptions<A> {
  /** run-time check of the args (e.g. `schema.parse`); without it the args type is trusted */
  parseArgs?: (args: unknown) => A;
}

/**
 * Declares the job at `path` with its args type `A` and result type `R`:
 * `defineJob<{ to: string }, { sent: boolean }>('f/email/send')`. Checks the path now.
 */
export function defineJob<A extends object = JobArgs, R = unknown>(
  path: string,
  options: DefineJobOptions<A> = {},
): JobDefinition<A, R> {
  validateScriptPath(path);
  const { parseArgs } = options;
  if (parseArgs !== undefined && typeof parseArgs !== 'function') {
    throw new TypeError('defineJob: parseArgs must be a function');
  }
  return Object.freeze(parseArgs ? { path, parseArgs } : { path });
}

/** The args after the definition's own check; its refusal becomes an InvalidArgsError. */
function checkedArgs<A extends object>(job: JobDefinition<A, unknown>, args: unknown): unknown {
  if (!job.parseArgs) return args;
  try {
    return job.parseArgs(args);
  } catch (err) {
    throw new InvalidArgsError(`args refused by the definition of ${job.path}: ${messageOf(err)}`, {
      cause: err,
    });
  }
}

/** The path and args to push: a definition's path, with its `parseArgs` applied to the args. */
export function pushTarget(
  target: string | JobDefinition<object>,
  args: unknown,
): { path: string; args: JobArgs } {
  if (typeof target === 'object' && target !== null) {
    return { path: target.path, args: checkedArgs(target, args) as JobArgs };
  }
  return { path: target, args: args as JobArgs };
}

export function typedRequests(
  job: JobDefinition<object> | undefined,
  requests: (PushOptions & { args: object })[] | undefined,
): PushRequest[] | undefined {
  if (typeof job !== 'object' || job === null) return undefined;
  if (!Array.isArray(requests))
    throw new TypeError('pushMany(job, requests) takes an array of { args, ...options }');
  return requests.map(({ args, ...options }) => ({ ...options, ...pushTarget(job, args) }));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
