import { DependencyBuildError, DependencyNotFoundError, ScriptNotFoundError } from '../errors';
import type { Script } from '../types';
import { bundleScript } from './bundle';
import type { PinnedScript, ScriptDependencies } from './lock';
import { preparePackages } from './package-cache';
import { dependencySpecs, SCRIPT_IMPORT_PREFIX } from './specs';

/** How a deploy resolves and installs packages (SettingsOptions.dependencies, with defaults). */
export interface DependencyOptions {
  cacheDir: string;
  timeoutMs: number;
  npmCommand: string;
  npmConfig: Record<string, string>;
}

export interface ModuleToBundle {
  path: string;
  language: 'typescript' | 'javascript';
  content: string;
  /** every import specifier of the module except what TypeScript elides (type-only, unused) */
  imports: readonly string[];
}

/**
 * For a module that imports packages or other scripts: resolves and locks them, installs the
 * packages into the cache, and returns the bundle workers run with its lock. Null when the module
 * imports only Node built-ins (its transpiled code runs as it is).
 */
export async function bundleDependencies(
  module: ModuleToBundle,
  loadScript: (path: string) => Promise<Script>,
  options: DependencyOptions,
): Promise<{ code: string; dependencies: ScriptDependencies } | null> {
  const specs = dependencySpecs(module.content, module.imports);
  if (specs.packages.size === 0 && specs.scripts.length === 0) return null;
  const deadline = Date.now() + options.timeoutMs;
  const pinned = await Promise.all(specs.scripts.map((path) => pinScript(path, loadScript)));
  const prepared =
    specs.packages.size === 0
      ? null
      : await preparePackages(specs.packages, {
          dir: options.cacheDir,
          npmCommand: options.npmCommand,
          npmConfig: options.npmConfig,
          deadline,
        });
  const code = await bundleScript({
    path: module.path,
    language: module.language,
    content: module.content,
    packagesDir: prepared?.dir ?? null,
    scripts: new Map(pinned.map((p) => [p.pin.path, p.code])),
  });
  return {
    code,
    dependencies: {
      lockHash: prepared?.lockHash ?? null,
      packages: prepared?.packages ?? [],
      scripts: pinned.map((p) => p.pin),
    },
  };
}

/** The latest version of an imported script: its code is bundled, its version and hash recorded. */
async function pinScript(
  path: string,
  loadScript: (path: string) => Promise<Script>,
): Promise<{ pin: PinnedScript; code: string }> {
  const name = `${SCRIPT_IMPORT_PREFIX}${path}`;
  let script: Script;
  try {
    script = await loadScript(path);
  } catch (err) {
    if (err instanceof ScriptNotFoundError || (err as { code?: string }).code === 'invalid_path')
      throw new DependencyNotFoundError(name, 'no script is deployed at this path', { cause: err });
    throw err;
  }
  if (script.language !== 'typescript' && script.language !== 'javascript')
    throw new DependencyBuildError(
      name,
      `is a ${script.language} script; only TypeScript and JavaScript scripts can be imported`,
    );
  return { pin: { path, version: script.version, hash: script.hash }, code: script.code };
}
