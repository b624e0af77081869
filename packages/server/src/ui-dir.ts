import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the UI's static build is: `MILLRACE_UI_DIR`, else the first `packages/ui/dist` (monorepo)
 * or `node_modules/@millrace/ui/dist` (installed) found walking up from this file, which sits in
 * src/ when run from source and in dist/ when built. Null when no build exists.
 */
export function findUiDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MILLRACE_UI_DIR) return resolve(env.MILLRACE_UI_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    for (const candidate of [
      join(dir, 'packages', 'ui', 'dist'),
      join(dir, 'node_modules', '@millrace', 'ui', 'dist'),
    ]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
