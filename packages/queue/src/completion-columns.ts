import type { Completion } from './types';

const json = (v: unknown): string | null => (v == null ? null : JSON.stringify(v));

/**
 * Completions as the parallel column arrays COMPLETE_JOBS takes ($1..$8), a row per job. A column
 * of nulls only ($4..$8: no results, no errors, no failures, no worker timings) goes as an empty
 * array, which unnest pads back with nulls: 1000 nulls cost a few hundred µs to send and parse.
 * `retryable` is null unless the job failed, where it is the only case it is read.
 */
export function completionColumns(completions: Completion[]): unknown[][] {
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  const [id, token, status, result, error, retryable, durationMs, startedAtMs] = columns;
  for (const c of completions) {
    id.push(c.id);
    token.push(c.token);
    status.push(c.status);
    result.push(c.status === 'success' ? json(c.result) : null);
    error.push(c.status === 'success' ? null : json(c.error));
    retryable.push(c.status === 'failure' ? (c.retryable ?? true) : null);
    durationMs.push(c.durationMs == null ? null : Math.round(c.durationMs));
    startedAtMs.push(c.startedAt == null ? null : Number(c.startedAt));
  }
  for (let i = 3; i < columns.length; i++) if (columns[i].every((v) => v === null)) columns[i] = [];
  return columns;
}
