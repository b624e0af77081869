import type { ScriptDependencies } from './types';

export type DependencyItem = { label: string; title: string };

/**
 * One item per locked package and pinned script of a version, for its row in the history: the
 * script's own imports first, then what its packages pulled in.
 */
export function dependencyItems(deps: ScriptDependencies | null | undefined): DependencyItem[] {
  if (!deps) return [];
  const packages = [...deps.packages].sort((a, b) => Number(b.direct) - Number(a.direct));
  return [
    ...packages.map((p) => ({
      label: `${p.name}@${p.version}`,
      title: `${p.direct ? 'imported by the script' : "a dependency's dependency"}${p.integrity ? `, ${p.integrity}` : ''}`,
    })),
    ...deps.scripts.map((s) => ({
      label: `millrace:${s.path} v${s.version}`,
      title: `pinned script version ${s.version} (${s.hash.slice(0, 12)}); redeploy this script to re-pin`,
    })),
  ];
}
