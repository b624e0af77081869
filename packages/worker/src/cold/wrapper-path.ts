// Finds runtime/cold-wrapper.mjs. This module sits at src/cold/ in development and is bundled into
// dist/index.js in the build, so the relative depth differs: walk up to the first directory that has it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ColdWrapperNotFoundError } from './errors';

let cached: string | undefined;

export function coldWrapperPath(): string {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'runtime', 'cold-wrapper.mjs');
    if (existsSync(candidate)) {
      cached = candidate;
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new ColdWrapperNotFoundError(start);
    dir = parent;
  }
}
