import { builtinModules } from 'node:module';
import { InvalidScriptError } from '../errors';

/**
 * What a script asks for: npm packages (name → version range) and deployed scripts it imports.
 *
 * Versions come from comment lines the script carries, anywhere in the file:
 *   // millrace: deps zod@4.1.0 ms@^2 is-number
 * A package imported but not listed (or listed without `@version`) gets `latest`. Only registry
 * versions, ranges and dist-tags are accepted — no `file:`, `git+`, URL or `npm:` alias specs,
 * which would let a deploy read the server's files or fetch from elsewhere.
 */
export interface DependencySpecs {
  /** package name → version, range or dist-tag; sorted by name */
  packages: Map<string, string>;
  /** deployed script paths imported as `millrace:<path>` */
  scripts: string[];
}

/** `millrace:f/lib/text`: another deployed script, pinned at deploy. */
export const SCRIPT_IMPORT_PREFIX = 'millrace:';

const DEPS_LINE = /^[ \t]*\/\/[ \t]*millrace:[ \t]*deps\b(.*)$/gm;
const NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
const RANGE = /^[0-9A-Za-z.^~<>=|*+-]+$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const BUILTINS = new Set(builtinModules);

/** The versions named in `// millrace: deps` lines. */
export function declaredVersions(content: string): Map<string, string> {
  const declared = new Map<string, string>();
  for (const match of content.matchAll(DEPS_LINE)) {
    for (const token of match[1].split(/[\s,]+/).filter(Boolean)) {
      const at = token.indexOf('@', 1);
      const name = at === -1 ? token : token.slice(0, at);
      const range = at === -1 ? 'latest' : token.slice(at + 1);
      if (!NAME.test(name) || name.length > 214)
        throw new InvalidScriptError(`millrace: deps names an invalid package ${JSON.stringify(name)}`);
      if (!RANGE.test(range))
        throw new InvalidScriptError(
          `millrace: deps gives ${name} the version ${JSON.stringify(range)}: use a version, a range or a dist-tag (e.g. ${name}@1.2.3, ${name}@^1)`,
        );
      declared.set(name, range);
    }
  }
  return declared;
}

/** What an import specifier names, or null for Node built-ins (nothing to install). */
export type ImportTarget = { kind: 'package'; name: string } | { kind: 'script'; path: string } | null;

export function classifyImport(specifier: string): ImportTarget {
  if (specifier.startsWith(SCRIPT_IMPORT_PREFIX))
    return { kind: 'script', path: specifier.slice(SCRIPT_IMPORT_PREFIX.length) };
  if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]))
    return null;
  if (/^(?:\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier))
    throw new InvalidScriptError(
      `cannot import ${JSON.stringify(specifier)}: a script is one file; import npm packages by name and other scripts as ${SCRIPT_IMPORT_PREFIX}<path>`,
    );
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (!NAME.test(name))
    throw new InvalidScriptError(`cannot import ${JSON.stringify(specifier)}: not a package name`);
  return { kind: 'package', name };
}

/** Imported packages with their declared versions (else latest), plus declared ones not imported. */
export function dependencySpecs(content: string, imports: readonly string[]): DependencySpecs {
  const declared = declaredVersions(content);
  const packages = new Map<string, string>(declared);
  const scripts = new Set<string>();
  for (const specifier of imports) {
    const target = classifyImport(specifier);
    if (target?.kind === 'package' && !packages.has(target.name)) packages.set(target.name, 'latest');
    if (target?.kind === 'script') scripts.add(target.path);
  }
  return {
    packages: new Map([...packages].sort(([a], [b]) => (a < b ? -1 : 1))),
    scripts: [...scripts].sort(),
  };
}

/** Every range an exact version: their resolution can be reused without asking the registry. */
export function allExact(packages: Map<string, string>): boolean {
  return [...packages.values()].every((range) => EXACT_VERSION.test(range));
}
