import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { DeployLanguage, ScriptDependencies, Settings } from '@millrace/settings';
import { CliError } from './errors';

const LANGUAGES: Record<string, DeployLanguage> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.py': 'python',
};

export function languageOf(file: string): DeployLanguage {
  const language = LANGUAGES[extname(file)];
  if (!language) {
    throw new CliError(
      'unknown_language',
      `cannot tell the language of ${file}: use --language typescript|javascript|python`,
    );
  }
  return language;
}

/** Every script file under `dir` with its path: `<dir>/billing/charge.ts` → `f/billing/charge`. */
export async function scriptFilesIn(dir: string): Promise<{ file: string; path: string }[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })) as string[];
  } catch (err) {
    throw new CliError('file_not_found', `cannot read directory ${dir}: ${(err as Error).message}`);
  }
  return entries
    .filter((name) => LANGUAGES[extname(name)] && !name.endsWith('.d.ts') && !name.split(sep).some(isSkipped))
    .sort()
    .map((name) => {
      const rel = relative(dir, join(dir, name));
      return { file: join(dir, name), path: `f/${rel.slice(0, -extname(rel).length).split(sep).join('/')}` };
    });
}

const isSkipped = (segment: string) => segment === 'node_modules' || segment.startsWith('.');

/** Deploys one file; the first line says whether it made a new version, the next ones what it is locked to. */
export async function deployFile(
  settings: Settings,
  path: string,
  file: string,
  language?: DeployLanguage,
): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError('file_not_found', `cannot read ${file}: ${(err as Error).message}`);
  }
  const r = await settings.deployScript({ path, content, language: language ?? languageOf(file) });
  const line = `${r.created ? 'deployed ' : 'unchanged'} ${r.path} v${r.version} (${r.hash.slice(0, 12)})`;
  return [line, ...dependencyLines(r.dependencies)].join('\n');
}

/** `  uses ms@2.1.3`, `  uses is-number@7.0.0 (a dependency's)`, `  uses millrace:f/lib/text v3 (ab12…)` */
export function dependencyLines(deps: ScriptDependencies | null): string[] {
  if (!deps) return [];
  return [
    ...deps.packages.map((p) => `  uses ${p.name}@${p.version}${p.direct ? '' : " (a dependency's)"}`),
    ...deps.scripts.map((s) => `  uses millrace:${s.path} v${s.version} (${s.hash.slice(0, 12)})`),
  ];
}
