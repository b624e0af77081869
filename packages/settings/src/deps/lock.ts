import { createHash } from 'node:crypto';

/**
 * The lock stored with a script version: every package npm resolved (direct and transitive) with
 * its exact version and integrity, and every script imported as `millrace:<path>` with the
 * version and hash it was bundled from. Jobs of the version run exactly this.
 */
export interface LockedPackage {
  name: string;
  version: string;
  /** the tarball's Subresource Integrity hash, as in package-lock.json */
  integrity: string | null;
  /** imported by the script itself (false: a dependency of a dependency) */
  direct: boolean;
}

export interface PinnedScript {
  path: string;
  version: number;
  hash: string;
}

export interface ScriptDependencies {
  /** sha256 of the packages' lock: the install cache's key */
  lockHash: string | null;
  packages: LockedPackage[];
  scripts: PinnedScript[];
}

interface PackageLockEntry {
  version?: string;
  integrity?: string;
  name?: string;
  link?: boolean;
}

/** The packages of an npm v3 lockfile, sorted by name then version. */
export function lockedPackages(packageLock: string, direct: ReadonlySet<string>): LockedPackage[] {
  const lock = JSON.parse(packageLock) as { packages?: Record<string, PackageLockEntry> };
  const result: LockedPackage[] = [];
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (key === '' || !entry.version) continue;
    // `node_modules/a/node_modules/@s/b` → `@s/b` (a nested copy keeps its own version)
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const topLevel = key === `node_modules/${name}`;
    result.push({
      name,
      version: entry.version,
      integrity: entry.integrity ?? null,
      direct: topLevel && direct.has(name),
    });
  }
  return result.sort((a, b) =>
    a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1,
  );
}

/** Content address of a resolved package set: same packages, versions and integrity → same hash. */
export function lockHash(packages: readonly LockedPackage[]): string {
  const canonical = packages.map((p) => `${p.name}@${p.version} ${p.integrity ?? ''}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

/** What the version's hash adds for its dependencies: a re-pin is a new version. */
export function dependencyDigest(deps: ScriptDependencies): string {
  const scripts = deps.scripts.map((s) => `${s.path}#${s.hash}`).join('\n');
  return `${deps.lockHash ?? ''}\n${scripts}`;
}
