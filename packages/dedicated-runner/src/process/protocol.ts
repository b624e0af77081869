// The JSON-lines protocol spoken by process runtimes (see runtime/process-wrapper.mjs and
// runtime/process_wrapper.py), and the command that starts one for each language.
// Host → process: {"id","args"} runs main(args); with "ahead":true the call may wait for one of
// the MILLRACE_MAX_IN_FLIGHT slots and is reported {"id","type":"started","at":<epoch ms>} when
// it starts (written before it runs). {"drop":id} removes a waiting call: {"id","type":"dropped"}.
// Process → host: ready | load-error | result | error | log | started | dropped.
import type { ProcessMessage } from '../../runtime/process-wire.mjs';

export type { ProcessMessage, ProcessRequest } from '../../runtime/process-wire.mjs';

import { ResultTooLargeError } from '../errors';
import type { RunnerLanguage } from '../options';
import { nodeProcessWrapperPath, pythonProcessWrapperPath } from '../runtime-files';

const MESSAGE_TYPES: ReadonlySet<unknown> = new Set([
  'ready',
  'load-error',
  'result',
  'error',
  'log',
  'started',
  'dropped',
]);

/**
 * A protocol line, checked. The script can write to the same stdout (fd 1, past the wrapper's
 * hooks), so a line is untrusted until it has the shape the wrappers write; anything else is the
 * script's own output, never an exception in the host.
 */
export function protocolMessage(value: unknown): ProcessMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (!MESSAGE_TYPES.has(m.type)) return undefined;
  if (m.id !== undefined && !Number.isSafeInteger(m.id)) return undefined;
  if (m.at !== undefined && typeof m.at !== 'number') return undefined;
  if (m.text !== undefined && typeof m.text !== 'string') return undefined;
  if (m.kind !== undefined && typeof m.kind !== 'string') return undefined;
  if (m.type === 'error' || m.type === 'load-error') {
    const error = m.error as Record<string, unknown> | null | undefined;
    if (typeof error !== 'object' || error === null || typeof error.message !== 'string') return undefined;
    const checked = {
      name: typeof error.name === 'string' ? error.name : 'Error',
      message: error.message,
      ...(typeof error.stack === 'string' ? { stack: error.stack } : {}),
    };
    return { ...(m as unknown as ProcessMessage), error: checked };
  }
  return m as unknown as ProcessMessage;
}

/** The line already carries the result's JSON: measure it, and re-encode only when near the limit. */
export function checkResultSize(
  line: string,
  result: unknown,
  maxBytes: number,
): ResultTooLargeError | undefined {
  if (line.length <= maxBytes / 3) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(result ?? null));
  if (bytes <= maxBytes) return undefined;
  const message = `the result is ${bytes} bytes, over the limit of ${maxBytes}`;
  return new ResultTooLargeError({ name: 'ResultTooLargeError', message });
}

export function defaultCommand(language: RunnerLanguage, maxOldGenerationSizeMb: number): string[] {
  if (language === 'python') return ['python3', '-u', pythonProcessWrapperPath];
  return [process.execPath, `--max-old-space-size=${maxOldGenerationSizeMb}`, nodeProcessWrapperPath];
}

export function scriptExtension(language: RunnerLanguage): string {
  return language === 'python' ? '.py' : '.mjs';
}
