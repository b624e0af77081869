import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DependencyBuildError, DependencyTimeoutError } from '../errors';
import { type LockedPackage, lockedPackages, lockHash } from './lock';
import { runNpm } from './npm';
import { allExact } from './specs';

/**
 * The install cache of the deploying host, content-addressed by the lock: `<dir>/<lockHash>/`
 * holds package.json, package-lock.json and node_modules of one resolved package set. Entries
 * are only ever created whole (installed in a temp dir, then renamed into place) and never
 * changed, so any number of deploys read them at once. It is a deploy-time cache only: what
 * workers run is the bundle stored in the database.
 */
export interface PackageCacheOptions {
  dir: string;
  npmCommand: string;
  npmConfig: Record<string, string>;
  /** the deploy's deadline, epoch ms */
  deadline: number;
}

export interface PreparedPackages {
  /** the cache entry; its node_modules is what the bundle is built from */
  dir: string;
  lockHash: string;
  packages: LockedPackage[];
}

/** `$MILLRACE_DEPS_CACHE_DIR`, else `$XDG_CACHE_HOME/millrace/deps`, else `~/.cache/millrace/deps`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MILLRACE_DEPS_CACHE_DIR) return env.MILLRACE_DEPS_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'millrace', 'deps');
}

/** An install lock older than this is left over from a killed deploy. */
const STALE_LOCK_MS = 10 * 60_000;
const LOCK_POLL_MS = 100;

/** Installs of one lock already running in this process: concurrent deploys share one. */
const installing = new Map<string, Promise<void>>();

/** Resolves `specs` to a lock and makes sure its cache entry exists. */
export async function preparePackages(
  specs: Map<string, string>,
  options: PackageCacheOptions,
): Promise<PreparedPackages> {
  const direct = new Set(specs.keys());
  const names = [...direct];
  const npm = {
    command: options.npmCommand,
    config: options.npmConfig,
    deadline: options.deadline,
    packages: names,
  };
  const indexFile = join(options.dir, 'specs', `${specsKey(specs, options.npmConfig)}.json`);
  // Exact versions resolve the same way every time: reuse an earlier resolution, no registry.
  if (allExact(specs)) {
    const known = await readEntry(options.dir, await readIndex(indexFile), direct);
    if (known) return known;
  }
  await mkdir(join(options.dir, 'tmp'), { recursive: true });
  const work = await mkdtemp(join(options.dir, 'tmp', 'install-'));
  try {
    const dependencies = Object.fromEntries(specs);
    await writeFile(
      join(work, 'package.json'),
      JSON.stringify({ name: 'millrace-deps', private: true, dependencies }),
    );
    await runNpm(['install', '--package-lock-only'], work, npm);
    const packageLock = await readFile(join(work, 'package-lock.json'), 'utf8');
    const packages = lockedPackages(packageLock, direct);
    const hash = lockHash(packages);
    const entry = join(options.dir, hash);
    if (!(await exists(entry))) await installOnce(hash, () => installInto(work, entry, options, npm));
    if (allExact(specs)) await writeAtomically(indexFile, JSON.stringify({ lockHash: hash }));
    return { dir: entry, lockHash: hash, packages };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Same specs and npm settings → same file name. */
function specsKey(specs: Map<string, string>, npmConfig: Record<string, string>): string {
  const registry = process.env.npm_config_registry ?? '';
  return createHash('sha256')
    .update(JSON.stringify([[...specs], Object.entries(npmConfig).sort(), registry]))
    .digest('hex');
}

async function readIndex(file: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { lockHash: string }).lockHash;
  } catch {
    return null;
  }
}

async function readEntry(dir: string, hash: string | null, direct: ReadonlySet<string>) {
  if (!hash) return null;
  try {
    const packageLock = await readFile(join(dir, hash, 'package-lock.json'), 'utf8');
    return { dir: join(dir, hash), lockHash: hash, packages: lockedPackages(packageLock, direct) };
  } catch {
    return null;
  }
}

/** One install per lock hash: in this process by a shared promise, across processes by a lock dir. */
async function installOnce(hash: string, install: () => Promise<void>): Promise<void> {
  const running = installing.get(hash);
  if (running) return running;
  const promise = install().finally(() => installing.delete(hash));
  installing.set(hash, promise);
  return promise;
}

async function installInto(
  work: string,
  entry: string,
  options: PackageCacheOptions,
  npm: Parameters<typeof runNpm>[2],
): Promise<void> {
  const lock = `${entry}.lock`;
  await acquire(lock, entry, options.deadline, npm.packages);
  try {
    if (await exists(entry)) return; // another process installed it while we waited
    await runNpm(['ci'], work, npm);
    await refuseNativeAddons(join(work, 'node_modules'));
    // A copy of the whole entry, so the temp dir can still be removed by the caller.
    const staged = await mkdtemp(join(options.dir, 'tmp', 'entry-'));
    await rename(join(work, 'node_modules'), join(staged, 'node_modules'));
    await writeFile(join(staged, 'package.json'), await readFile(join(work, 'package.json')));
    await writeFile(join(staged, 'package-lock.json'), await readFile(join(work, 'package-lock.json')));
    await rename(staged, entry);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** `mkdir` is atomic: whoever creates the lock dir installs, the others wait for the entry. */
async function acquire(
  lock: string,
  entry: string,
  deadline: number,
  names: readonly string[],
): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await exists(entry)) return;
    const since = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (since > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
    if (Date.now() > deadline)
      throw new DependencyTimeoutError(
        names.join(', '),
        'another deploy is still installing the same packages',
      );
    await sleep(LOCK_POLL_MS);
  }
}

/**
 * Native addons load a compiled `.node` file from their own directory at run time, which a
 * bundle cannot carry: refuse them at deploy rather than fail every job.
 */
async function refuseNativeAddons(nodeModules: string): Promise<void> {
  const files = await readdir(nodeModules, { recursive: true }).catch(() => [] as string[]);
  const native = files.find(
    (f) => f.endsWith('.node') || f.endsWith(`${sep}binding.gyp`) || f === 'binding.gyp',
  );
  if (!native) return;
  throw new DependencyBuildError(
    packageOf(native),
    `is a native addon (${native.split(sep).pop()}); native addons cannot be bundled into a script`,
  );
}

/** `a/node_modules/@s/b/build/x.node` → `@s/b` */
function packageOf(file: string): string {
  const parts = file.split(sep);
  const last = parts.lastIndexOf('node_modules');
  const rest = parts.slice(last + 1);
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
