import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the UI's static build is: `MILLRACE_UI_DIR`, else the copy shipped beside this file (dist/ui,
 * made by the build: what an npm install has), else the first `packages/ui/dist` (monorepo, run from
 * source) found walking up from this file. Null when no build exists.
 */
export function findUiDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MILLRACE_UI_DIR) return resolve(env.MILLRACE_UI_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  const shipped = join(dir, 'ui');
  if (existsSync(join(shipped, 'index.html'))) return shipped;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, 'packages', 'ui', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
