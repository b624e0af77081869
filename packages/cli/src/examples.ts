import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScriptNotFoundError, type Settings } from '@millrace/settings';
import type { Io } from './io';
import { deployFile, scriptFilesIn } from './script-files';

export const EMAIL_SCRIPT = 'f/examples/send_email';
export const EMAIL_GROUP = 'email';

/** The package's examples/ directory, from src/commands, src or dist (tsup bundles into dist/). */
export function examplesDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    if (existsSync(join(dir, 'examples', 'f'))) return join(dir, 'examples');
    dir = dirname(dir);
  }
  return null;
}

/**
 * Deploys the example scripts that are not deployed yet (a script the user changed is left alone).
 * On the first deploy of send_email it also takes Windmill's two steps for a dedicated worker: the
 * script's `dedicated` setting and a group `email` dedicated to it.
 */
export async function deployMissingExamples(settings: Settings, io: Io): Promise<string[]> {
  const dir = examplesDir();
  if (!dir) {
    io.err('example scripts not found; skipping them');
    return [];
  }
  const deployed: string[] = [];
  for (const { file, path } of await scriptFilesIn(join(dir, 'f'))) {
    const scriptPath = path; // examples/f/examples/hello.ts → f/examples/hello
    try {
      await settings.getScript(scriptPath);
      continue;
    } catch (err) {
      if (!(err instanceof ScriptNotFoundError)) throw err;
    }
    io.out(`  ${await deployFile(settings, scriptPath, file)}`);
    deployed.push(scriptPath);
    if (scriptPath === EMAIL_SCRIPT) {
      await settings.setScriptSettings(EMAIL_SCRIPT, { dedicated: true });
      await settings.setWorkerGroup(EMAIL_GROUP, { dedicatedWorker: EMAIL_SCRIPT, concurrency: 1 });
    }
  }
  return deployed;
}
