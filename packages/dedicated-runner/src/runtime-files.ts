// Plain files shipped in runtime/, found relative to this module. It must sit directly in src/
// so the same relative URL holds after tsup bundles everything into dist/index.js.
import { fileURLToPath } from 'node:url';

export const threadWorkerUrl = new URL('../runtime/thread-worker.mjs', import.meta.url);
export const nodeProcessWrapperPath = fileURLToPath(
  new URL('../runtime/process-wrapper.mjs', import.meta.url),
);
export const pythonProcessWrapperPath = fileURLToPath(
  new URL('../runtime/process_wrapper.py', import.meta.url),
);
