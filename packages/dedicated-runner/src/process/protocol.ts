// The JSON-lines protocol spoken by process runtimes (see runtime/process-wrapper.mjs and
// runtime/process_wrapper.py), and the command that starts one for each language.
// Host → process: {"id","args"} runs main(args); with "ahead":true the call may wait for one of
// the MILLRACE_MAX_IN_FLIGHT slots and is reported {"id","type":"started","at":<epoch ms>} when
// it starts (written before it runs). {"drop":id} removes a waiting call: {"id","type":"dropped"}.
// Process → host: ready | load-error | result | error | log | started | dropped.
export type { ProcessMessage, ProcessRequest } from '../../runtime/process-wire.mjs';

import { ResultTooLargeError } from '../errors';
import type { ScriptLanguage } from '../options';
import { nodeProcessWrapperPath, pythonProcessWrapperPath } from '../runtime-files';

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

export function defaultCommand(language: ScriptLanguage, maxOldGenerationSizeMb: number): string[] {
  if (language === 'python') return ['python3', '-u', pythonProcessWrapperPath];
  return [process.execPath, `--max-old-space-size=${maxOldGenerationSizeMb}`, nodeProcessWrapperPath];
}

export function scriptExtension(language: ScriptLanguage): string {
  return language === 'python' ? '.py' : '.mjs';
}
