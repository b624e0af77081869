// One process at a time per PGlite data dir. PGlite keeps no lock of its own: two processes on one
// directory each cache pages the other rewrites, and jobs vanish or show twice. The lock is a file
// beside the directory (`<dir>.lock`, so initdb still finds an empty directory) created with O_EXCL
// and naming its holder; a lock whose holder has died (SIGKILL, power loss) is taken over.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DataDirLockedError } from './errors';

export interface LockHolder {
  pid: number;
  host: string;
  /** the holder's command line, for the error message */
  command: string;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock on `dataDir` or throws DataDirLockedError naming the live holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = `${dataDir}.lock`;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
    since: new Date().toISOString(),
  };
  // Two rounds: the second follows a takeover of a dead holder's lock.
  for (let round = 0; round < 2; round++) {
    if (tryCreate(path, me)) return heldLock(path);
    const holder = readHolder(path);
    if (holder === 'gone') continue; // released between our attempt and the read
    if (holder && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
    takeOver(path, holder);
  }
  const holder = readHolder(path);
  throw new DataDirLockedError(dataDir, holder === 'gone' ? null : holder);
}

function tryCreate(path: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder written in the lock file; null when unreadable (a half-written file), 'gone' when absent. */
function readHolder(path: string): LockHolder | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) ? holder : null;
  } catch {
    return null;
  }
}

/**
 * A holder on another host cannot be checked from here, so it counts as alive. An unreadable file
 * is a holder caught between creating and writing it: alive too, never stolen.
 */
function isAlive(holder: LockHolder | null): boolean {
  if (!holder) return true;
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a dead holder's lock aside (rename is atomic, so of two processes taking over only one
 * moves it). If what was moved is not the lock we judged dead — another process took it over and
 * wrote its own in between — it is put back untouched.
 */
function takeOver(path: string, dead: LockHolder | null): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readHolder(aside);
  const same =
    moved !== 'gone' &&
    moved !== null &&
    dead !== null &&
    moved.pid === dead.pid &&
    moved.since === dead.since;
  if (same) unlinkSync(aside);
  else renameSync(aside, path);
}

const heldPaths = new Set<string>();

// A clean exit that skipped close() still frees its directories; SIGKILL leaves a dead pid to take over.
function releaseAllOnExit(): void {
  for (const path of heldPaths) releasePath(path);
}

function heldLock(path: string): DataDirLock {
  if (heldPaths.size === 0) process.once('exit', releaseAllOnExit);
  heldPaths.add(path);
  return {
    path,
    release() {
      if (!heldPaths.delete(path)) return;
      if (heldPaths.size === 0) process.removeListener('exit', releaseAllOnExit);
      releasePath(path);
    },
  };
}

function releasePath(path: string): void {
  try {
    const holder = readHolder(path);
    if (holder !== 'gone' && holder?.pid === process.pid) unlinkSync(path);
  } catch {
    // already gone: nothing to release
  }
}
