import { type DeployLanguage, Settings } from '@millrace/settings';
import { type DbFlags, openCommandDb } from '../database';
import { CliError } from '../errors';
import type { Io } from '../io';
import { deployFile, scriptFilesIn } from '../script-files';

export interface DeployFlags extends DbFlags {
  dir?: string;
  language?: DeployLanguage;
}

/** `millrace deploy PATH FILE` or `millrace deploy --dir DIR`: a new version per changed file. */
export async function deployCommand(
  path: string | undefined,
  file: string | undefined,
  flags: DeployFlags,
  io: Io,
): Promise<void> {
  if (flags.dir && (path || file))
    throw new CliError('usage', 'give either PATH FILE or --dir DIR, not both');
  if (!flags.dir && !(path && file)) throw new CliError('usage', 'deploy needs PATH FILE (or --dir DIR)');
  const db = await openCommandDb(flags, io);
  try {
    const settings = new Settings(db, { dependencies: { cacheDir: io.env.MILLRACE_DEPS_CACHE_DIR } });
    if (path && file) {
      io.out(await deployFile(settings, path, file, flags.language));
      return;
    }
    const files = await scriptFilesIn(flags.dir as string);
    if (files.length === 0)
      throw new CliError('file_not_found', `no .ts, .js or .py files under ${flags.dir}`);
    for (const [i, f] of files.entries()) {
      io.out(`[${i + 1}/${files.length}] ${await deployFile(settings, f.path, f.file, flags.language)}`);
    }
  } finally {
    await db.close();
  }
}
