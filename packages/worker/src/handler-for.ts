// A typed in-host handler for a job definition: the handler's args and result types come from
// the same `defineJob` the producers push with, and its `parseArgs` runs before the handler
// (jobs may also be pushed untyped: over HTTP, from the CLI, by `push(path, args)`).
import type { Handler } from '@millrace/dedicated-runner';
import type { JobDefinition } from '@millrace/queue';

/** `{ [job.path]: handler }`, for `startWorker({ handlers: { ...handlerFor(job, fn) } })`. */
export function handlerFor<A extends object, R>(
  job: JobDefinition<A, R>,
  handler: Handler<A, R>,
): Record<string, Handler> {
  const { parseArgs } = job;
  const run: Handler = parseArgs
    ? (args, ctx) => handler(parseArgs(args), ctx)
    : // without parseArgs the args type is the definition's claim, as for any script
      (args, ctx) => handler(args as A, ctx);
  return { [job.path]: run };
}
