import { type BuildResult, build, type Message, type Plugin } from 'esbuild';
import { DependencyBuildError, InvalidScriptError } from '../errors';
import { SCRIPT_IMPORT_PREFIX } from './specs';

/**
 * Bundles a script with its locked packages (from the install cache entry) and the pinned code
 * of the scripts it imports into one ES module: workers run it as they run any script, with
 * nothing to install or resolve, whichever runtime and machine, confined or not.
 */
export interface BundleInput {
  path: string;
  language: 'typescript' | 'javascript';
  content: string;
  /** directory whose node_modules holds the packages (the cache entry), or null for none */
  packagesDir: string | null;
  /** imported script path → its pinned code */
  scripts: ReadonlyMap<string, string>;
}

/**
 * Bundled CommonJS packages call `require` for Node built-ins (esbuild's `__require("fs")`); an ES
 * module has none, so such a bundle gets one of its own. Only such a bundle: `createRequire` costs
 * every cold start ~3 ms (measured in bench/results/deps.md).
 */
const REQUIRE_BANNER =
  "import { createRequire as __millraceCreateRequire } from 'node:module';\nconst require = __millraceCreateRequire(import.meta.url);\n";
// a call of the shim, not `__commonJS`'s inner `function __require()`
const REQUIRES_AT_RUN_TIME = /(?<!function )\b__require\(/;

const SCRIPT_NAMESPACE = 'millrace-script';

export async function bundleScript(input: BundleInput): Promise<string> {
  let result: BuildResult<{ write: false }>;
  try {
    result = await build({
      stdin: {
        contents: input.content,
        loader: input.language === 'typescript' ? 'ts' : 'js',
        sourcefile: input.path,
        resolveDir: input.packagesDir ?? process.cwd(),
      },
      absWorkingDir: input.packagesDir ?? process.cwd(),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      plugins: [pinnedScripts(input.scripts)],
    });
  } catch (err) {
    throw bundleError(input.path, err);
  }
  const code = result.outputFiles[0].text;
  return REQUIRES_AT_RUN_TIME.test(code) ? REQUIRE_BANNER + code : code;
}

function pinnedScripts(scripts: ReadonlyMap<string, string>): Plugin {
  return {
    name: 'millrace-scripts',
    setup(b) {
      b.onResolve({ filter: /^millrace:/ }, (args) => ({
        path: args.path.slice(SCRIPT_IMPORT_PREFIX.length),
        namespace: SCRIPT_NAMESPACE,
      }));
      b.onLoad({ filter: /.*/, namespace: SCRIPT_NAMESPACE }, (args) => ({
        contents: scripts.get(args.path) ?? '',
        loader: 'js',
        resolveDir: process.cwd(),
      }));
    },
  };
}

/** `Could not resolve "x"` or an error inside node_modules/x names the package at fault. */
function bundleError(path: string, err: unknown): Error {
  const errors = (err as { errors?: Message[] }).errors ?? [];
  const first = errors[0];
  if (!first)
    return new InvalidScriptError(`cannot bundle ${path}: ${(err as Error).message}`, { cause: err });
  const unresolved = /Could not resolve "([^"]+)"/.exec(first.text)?.[1];
  const file = first.location?.file ?? '';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  const culprit = inPackage ?? unresolved;
  const where = first.location ? ` (${file}:${first.location.line})` : '';
  if (culprit)
    return new DependencyBuildError(culprit, `cannot be bundled: ${first.text}${where}`, { cause: err });
  return new InvalidScriptError(`cannot bundle ${path}: ${first.text}${where}`, { cause: err });
}
