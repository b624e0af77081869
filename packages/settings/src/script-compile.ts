import { type BuildResult, build, type Message } from 'esbuild';
import type { ScriptDependencies } from './deps/lock';
import { checkPythonImports } from './deps/python-imports';
import { bundleDependencies, type DependencyOptions } from './deps/resolve';
import { InvalidScriptError } from './errors';
import type { DeployLanguage, Script } from './types';

export interface CompiledScript {
  /** what workers run */
  code: string;
  /** the lock, for a script that imports packages or other scripts */
  dependencies: ScriptDependencies | null;
}

/** What compiling needs beyond the content: imported scripts and the dependency settings. */
export interface CompileContext {
  loadScript: (path: string) => Promise<Script>;
  dependencies: DependencyOptions;
}

/**
 * Turns deployed content into what workers run, once, at deploy: workers never transpile.
 * TypeScript/JavaScript become ESM for Node 20; Python is stored as is. Either way the script
 * must define `main`, checked here so a broken deploy fails now rather than on every job.
 */
export async function compileScript(
  path: string,
  language: DeployLanguage,
  content: string,
  context: CompileContext,
): Promise<CompiledScript> {
  if (language === 'python') {
    checkPythonMain(content);
    await checkPythonImports(content);
    return { code: content, dependencies: null };
  }
  const compiled = await compileModule(path, language, content);
  const bundled = await bundleDependencies(
    { path, language, content, imports: compiled.imports },
    context.loadScript,
    context.dependencies,
  );
  return bundled ?? { code: compiled.code, dependencies: null };
}

const NO_MAIN = 'script must export a function named main';

/**
 * One esbuild `build` without bundling gives the same code as `transform` plus a metafile that
 * lists the module's exports, so every spelling of a `main` export counts (function, const,
 * `export { x as main }`, async) without parsing it ourselves, and the module's imports (what
 * TypeScript keeps: type-only and unused imports are elided). Imports are left as they are.
 */
async function compileModule(
  path: string,
  language: 'typescript' | 'javascript',
  content: string,
): Promise<{ code: string; imports: string[] }> {
  let result: BuildResult<{ write: false; metafile: true }>;
  try {
    result = await build({
      stdin: { contents: content, loader: language === 'typescript' ? 'ts' : 'js', sourcefile: path },
      bundle: false,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors?.length)
      throw new InvalidScriptError(`cannot compile ${path}: ${(err as Error).message}`, { cause: err });
    throw new InvalidScriptError(`cannot compile ${path}: ${errors.map(describeMessage).join('\n')}`, {
      cause: err,
    });
  }
  const outputs = Object.values(result.metafile.outputs);
  if (!outputs.flatMap((o) => o.exports).includes('main')) throw new InvalidScriptError(NO_MAIN);
  return { code: result.outputFiles[0].text, imports: outputs.flatMap((o) => o.imports.map((i) => i.path)) };
}

/** `3:7: Expected ";" but found "c"` then the offending line, quoted; line and column count from 1. */
function describeMessage(message: Message): string {
  const loc = message.location;
  if (!loc) return message.text;
  return `${loc.line}:${loc.column + 1}: ${message.text}\n  ${loc.lineText}`;
}

/** A top-level `def main(` or `async def main(`: indented ones are methods or nested functions. */
const PYTHON_MAIN = /^(?:async[ \t]+)?def[ \t]+main[ \t]*\(/m;

function checkPythonMain(content: string): void {
  if (!PYTHON_MAIN.test(content))
    throw new InvalidScriptError('script must define a top-level function named main');
}
