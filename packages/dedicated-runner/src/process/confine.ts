// Starts a process that runs untrusted code, confined as far as this host allows (docs/isolation.md):
// - its own PID and mount namespaces with a /proc of their own (util-linux `unshare`; as root, or
//   through a user namespace otherwise): the job sees no process of the host, so it cannot read
//   the worker's environ, signal or ptrace it; and when its first process ends, the kernel kills
//   everything it started, setsid'd daemons included;
// - failing that, its own session and process group, killed together, plus a sweep of its session;
// - its parent-death signal set (`setpriv --pdeathsig`), so it dies with the host even when stuck;
// - RLIMIT_DATA (`prlimit --data`), a memory cap that holds for native and Python allocations too;
// - as root: no capabilities (so a root job cannot unmount its /proc, mount, or lift its cap);
// - optionally another uid/gid (when the host runs as root).
// What the host could not provide is reported by `confinement()`, never silently assumed.
import { type ChildProcess, execFileSync, type StdioOptions, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface ConfineOptions {
  env: Record<string, string>;
  cwd?: string;
  stdio: StdioOptions;
  /** RLIMIT_DATA of the process (and of everything it starts), in MiB */
  memoryLimitMb?: number;
  /** the uid/gid the process runs as; needs a host running as root */
  runAs?: RunAs;
}

export interface Confinement {
  /** 'pid-namespace': its own PID namespace and /proc; 'session': its own session and process group only */
  mode: 'pid-namespace' | 'session';
  /** RLIMIT_DATA can be applied */
  memoryCap: boolean;
  /** it is SIGKILLed when the host dies, even if it never reads its stdin or IPC channel */
  diesWithHost: boolean;
  /** why the PID namespace is not used, when it is not */
  reason?: string;
}

interface Tools {
  setpriv?: string;
  unshare?: string;
  prlimit?: string;
  /** unshare's flags for a PID namespace that works here, if one does */
  namespaceFlags?: string[];
  reason?: string;
}

const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
let tools: Tools | undefined;

function findTool(name: string): string | undefined {
  const dirs = [...SYSTEM_DIRS, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Tries a PID namespace once: it depends on privileges and on the host's policy for user namespaces. */
function probe(): Tools {
  if (tools) return tools;
  const found: Tools = {
    setpriv: findTool('setpriv'),
    unshare: findTool('unshare'),
    prlimit: findTool('prlimit'),
  };
  const root = process.getuid?.() === 0;
  const flags = [
    ...(root ? [] : ['--user', '--map-current-user']),
    '--pid',
    '--fork',
    '--mount-proc',
    '--kill-child',
  ];
  const trueBin = findTool('true');
  if (process.env.MILLRACE_CONFINE === 'session') found.reason = 'MILLRACE_CONFINE=session';
  else if (!found.unshare || !trueBin) found.reason = 'util-linux unshare not found';
  else {
    try {
      execFileSync(found.unshare, [...flags, '--', trueBin], { stdio: 'ignore', timeout: 10_000 });
      found.namespaceFlags = flags;
    } catch (err) {
      found.reason = `unshare ${flags.join(' ')} failed here: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  tools = found;
  return found;
}

/** What confinement processes started here get (probed once per host process). */
export function confinement(): Confinement {
  const t = probe();
  const result: Confinement = {
    mode: t.namespaceFlags ? 'pid-namespace' : 'session',
    memoryCap: t.prlimit !== undefined,
    diesWithHost: t.setpriv !== undefined,
  };
  if (t.reason) result.reason = t.reason;
  return result;
}

/** The argv that starts `argv` confined, and the uid/gid spawn() must switch to itself, if any. */
export function confinedArgv(argv: string[], options: Pick<ConfineOptions, 'memoryLimitMb' | 'runAs'>) {
  const t = probe();
  const prefix: string[] = [];
  let spawnAs: RunAs | undefined;
  if (t.setpriv) prefix.push(t.setpriv, '--pdeathsig', 'KILL', '--');
  if (t.namespaceFlags && t.unshare) {
    const runAs = options.runAs;
    // Switch user inside the namespace, after /proc is mounted: with setpriv, whose pdeathsig is
    // set after the switch (a uid change clears it), so it still dies with unshare.
    const userFlags = runAs && !t.setpriv ? [`--setuid=${runAs.uid}`, `--setgid=${runAs.gid}`] : [];
    prefix.push(t.unshare, ...t.namespaceFlags, ...userFlags, '--');
    // A host running as root would start root jobs: with every capability gone (once unshare has
    // mounted the namespace's /proc) such a job cannot unmount that /proc to see the host's, raise
    // its memory cap, mount or signal other users' processes. runAs users lose what a setuid
    // binary would give them.
    const dropCaps = process.getuid?.() === 0 ? ['--bounding-set=-all', '--inh-caps=-all'] : [];
    if (runAs && t.setpriv) {
      prefix.push(t.setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', ...dropCaps);
      prefix.push('--pdeathsig', 'KILL', '--');
    } else if (dropCaps.length > 0 && t.setpriv) {
      prefix.push(t.setpriv, ...dropCaps, '--');
    }
  } else {
    spawnAs = options.runAs;
  }
  if (options.memoryLimitMb !== undefined && t.prlimit) {
    prefix.push(t.prlimit, `--data=${options.memoryLimitMb * 1024 * 1024}`, '--');
  }
  return { argv: [...prefix, ...argv], spawnAs };
}

/**
 * Spawns `argv` confined. The returned child is the outermost process: it leads the job's process
 * group, and signalling that group (`signalConfined`) reaches the job.
 */
export function spawnConfined(argv: string[], options: ConfineOptions): ChildProcess {
  // A command that does not exist would only fail inside the chain, as an exit code; started
  // directly it fails as node reports it (spawn … ENOENT), and runs nothing.
  if (!resolvable(argv[0] as string, options.env.PATH)) {
    return spawn(argv[0] as string, argv.slice(1), { env: options.env, stdio: options.stdio });
  }
  const { argv: full, spawnAs } = confinedArgv(argv, options);
  const [command, ...args] = full as [string, ...string[]];
  return spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: options.stdio,
    // its own session and process group: one signal reaches all of it, and never the host's terminal
    detached: true,
    ...(spawnAs ? { uid: spawnAs.uid, gid: spawnAs.gid } : {}),
  });
}

/**
 * Signals the whole job. In a PID namespace SIGKILL ends its init and so everything in it; in a
 * session, SIGKILL also sweeps processes of the session that left the group (setsid'd ones escape:
 * see docs/isolation.md).
 */
export function signalConfined(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone
  }
  if (signal === 'SIGKILL' && !probe().namespaceFlags) {
    for (const member of sessionMembers(pid)) {
      try {
        process.kill(member, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/**
 * SIGKILLs the job. In a PID namespace only the namespace's init (ending everything in it),
 * whose `unshare` then reaps it and exits: killing the whole group would take `unshare` first
 * and leave its child for the host's init to reap (in a container without one: a zombie per
 * job). In a session, or when the init cannot be found, the whole group as `signalConfined`.
 */
export function killConfinedJob(pid: number | undefined): void {
  if (pid === undefined) return;
  // in a session the job is the host's own child: the whole group (and the sweep) goes at once
  const init = probe().namespaceFlags ? namespaceInit(pid) : undefined;
  if (init === undefined) {
    signalConfined(pid, 'SIGKILL');
    return;
  }
  try {
    process.kill(init, 'SIGKILL');
  } catch {
    // ESRCH: it is gone
  }
}

/** `unshare --fork` has exactly one child: the namespace's init (undefined without /proc/…/children). */
function namespaceInit(unsharePid: number): number | undefined {
  try {
    const child = Number(
      readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').split(' ')[0],
    );
    return Number.isInteger(child) && child > 0 ? child : undefined;
  } catch {
    return undefined;
  }
}

function resolvable(command: string, path: string | undefined): boolean {
  if (command.includes('/')) return existsSync(command);
  return (path ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // fields after "(comm)": state ppid pgrp session
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]) === sid) members.push(Number(entry));
    } catch {
      // it ended while we looked
    }
  }
  return members;
}
