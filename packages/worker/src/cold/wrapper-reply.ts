// The cold wrapper answers on an IPC channel that the job's own code can write to as well
// (`process.send`), so its answer is untrusted input. Only a well-formed answer passes, with only
// the fields and reasons the wrapper sends; anything else becomes a crash that says so. Never an
// exception in the worker.
import type { JobError } from '../executor';
import type { WrapperReply } from './cold-process';

/** the reasons runtime/cold-wrapper.mjs gives; any other claimed reason is the script's own throw */
const WRAPPER_REASONS: ReadonlySet<unknown> = new Set(['thrown', 'result_too_large']);

export function wrapperReply(message: unknown): WrapperReply {
  const m = typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : {};
  if (m.type === 'result' && typeof m.json === 'string') return { type: 'result', json: m.json };
  const error = jobError(m.error);
  if (m.type === 'uncaught' && error) return { type: 'uncaught', error };
  if (m.type === 'error' && error) {
    error.reason = WRAPPER_REASONS.has(error.reason) ? error.reason : 'thrown';
    return typeof m.retryable === 'boolean'
      ? { type: 'error', error, retryable: m.retryable }
      : { type: 'error', error };
  }
  const seen = String(JSON.stringify(message)).slice(0, 200);
  return {
    type: 'error',
    error: { message: `the job's process sent a malformed answer: ${seen}`, reason: 'crash' },
  };
}

function jobError(value: unknown): JobError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { message, name, stack, reason } = value as Record<string, unknown>;
  if (typeof message !== 'string') return undefined;
  const error: JobError = { message };
  if (typeof name === 'string') error.name = name;
  if (typeof stack === 'string') error.stack = stack;
  if (typeof reason === 'string') error.reason = reason as JobError['reason'];
  return error;
}
