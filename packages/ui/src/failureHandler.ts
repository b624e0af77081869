// The failure handler field's logic (docs/schedules.md#failure-handlers): which handler a script
// or a worker group has, and what the field's text asks for.
import type { FailureHandler, FailureHandlerTarget } from './types';

const SCRIPT_PATH = /^[a-z0-9_-]+(\/[a-z0-9_-]+)+$/;

/** The handler set for `target`, or null. */
export function handlerFor(handlers: FailureHandler[], target: FailureHandlerTarget): string | null {
  const [scope, name] = 'script' in target ? ['script', target.script] : ['group', target.group];
  return handlers.find((h) => h.scope === scope && h.target === name)?.handler ?? null;
}

export type HandlerParse = { ok: true; handler: string | null } | { ok: false; message: string };

/** An empty field removes the handler; anything else must be a script path (the server checks it exists). */
export function parseHandlerDraft(text: string): HandlerParse {
  const handler = text.trim();
  if (handler === '') return { ok: true, handler: null };
  if (!SCRIPT_PATH.test(handler))
    return {
      ok: false,
      message: 'The handler must be a script path like f/ops/alert (or empty to remove it).',
    };
  return { ok: true, handler };
}
