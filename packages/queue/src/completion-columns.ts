import { errorJson, resultJson, resultNotStorableError } from './storable';
import type { Completion } from './types';

/**
 * Completions as the parallel column arrays COMPLETE_JOBS takes ($1..$8), a row per job. A column
 * of nulls only ($4..$8: no results, no errors, no failures, no worker timings) goes as an empty
 * array, which unnest pads back with nulls: 1000 nulls cost a few hundred µs to send and parse.
 * `retryable` is null unless the job failed, where it is the only case it is read.
 * A result PostgreSQL cannot store turns its completion into a failure (`result_not_storable`, not
 * retried: a re-run would repeat the job's effects to produce the same value); errors are
 * sanitized (storable.ts). Their ids are listed in `notStorable`.
 */
export function completionColumns(completions: Completion[]): {
  columns: unknown[][];
  notStorable: string[];
} {
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  const [id, token, status, result, error, retryable, durationMs, startedAtMs] = columns;
  const notStorable: string[] = [];
  for (const c of completions) {
    id.push(c.id);
    token.push(c.token);
    if (c.status === 'success') {
      const r = resultJson(c.result);
      if ('json' in r) {
        status.push('success');
        result.push(r.json);
        error.push(null);
        retryable.push(null);
      } else {
        notStorable.push(c.id);
        status.push('failure');
        result.push(null);
        error.push(errorJson(resultNotStorableError(r.notStorable)));
        retryable.push(false);
      }
    } else {
      status.push(c.status);
      result.push(null);
      error.push(errorJson(c.error));
      retryable.push(c.status === 'failure' ? (c.retryable ?? true) : null);
    }
    durationMs.push(c.durationMs == null ? null : Math.round(c.durationMs));
    startedAtMs.push(c.startedAt == null ? null : Number(c.startedAt));
  }
  for (let i = 3; i < columns.length; i++) if (columns[i].every((v) => v === null)) columns[i] = [];
  return { columns, notStorable };
}
