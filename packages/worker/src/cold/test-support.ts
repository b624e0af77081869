// Shared by the cold executor's tests: build jobs and contexts, and find this process's wrappers.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ExecutableJob, JobContext } from '../executor';

let nextId = 0;

export function jobFor(code: string, overrides: Partial<ExecutableJob> = {}): ExecutableJob {
  nextId++;
  return {
    id: `job-${nextId}`,
    path: 'f/test/script',
    hash: `hash-${nextId}`,
    language: 'javascript',
    code,
    args: {},
    attempt: 1,
    timeoutMs: 30_000,
    ...overrides,
  };
}

export interface TestContext {
  ctx: JobContext;
  controller: AbortController;
  chunks: string[];
  text(): string;
}

export function contextFor(env: Record<string, string> = {}): TestContext {
  const controller = new AbortController();
  const chunks: string[] = [];
  return {
    ctx: { onLog: (text) => chunks.push(text), signal: controller.signal, env },
    controller,
    chunks,
    text: () => chunks.join(''),
  };
}

/** A directory of the test's own outside every job's temp dir, removed when the test ends. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls until `check` holds: waiting on the condition itself, never on a guessed delay. */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A zombie counts as gone: in a container nobody may reap an orphan, but it runs no code. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** pids of cold-wrapper processes whose parent is this test process (Linux /proc). */
export function wrapperPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('cold-wrapper.mjs'))
        pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * An expression, for job code, naming the job's process as seen from inside:
 * `pid@pid:[namespace]@start time`. In a PID namespace of its own every job is pid 1, and the
 * kernel reuses namespace ids, so the start time is what tells jobs apart.
 */
export const JOB_ID = `(() => {
  const fs = process.getBuiltinModule('node:fs');
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return process.pid + '@' + fs.readlinkSync('/proc/self/ns/pid') + '@' + start;
})()`;

/** The JOB_ID a job printed as `pid=<JOB_ID>`. */
export const jobIdIn = (text: string): string => /pid=(\d+@\S+@\d+)/.exec(text)?.[1] ?? '';

const ownPidNamespace = () => readlinkSync('/proc/self/ns/pid');

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
const startTime = (pid: number) => statFields(pid)[19];
const parentOf = (pid: number) => Number(statFields(pid)[1]);
const innerPid = (pid: number) => /NSpid:.*\s(\d+)\n/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

function eachProcess(visit: (pid: number) => void): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      visit(Number(entry));
    } catch {
      // it ended while we looked
    }
  }
}

/**
 * Host pids of the processes still alive of the job `id`: every process of its namespace while
 * the job's own process (the namespace's init) lives, or just that process when it shares ours.
 */
export function jobProcesses(id: string): number[] {
  const [pid, ns, start] = id.split('@') as [string, string, string];
  if (!start) throw new Error(`not a job id: ${JSON.stringify(id)}`);
  if (ns === ownPidNamespace()) {
    try {
      return isAlive(Number(pid)) && startTime(Number(pid)) === start ? [Number(pid)] : [];
    } catch {
      return [];
    }
  }
  const members: number[] = [];
  let ownerAlive = false;
  eachProcess((p) => {
    if (readlinkSync(`/proc/${p}/ns/pid`) !== ns || !isAlive(p)) return;
    members.push(p);
    if (innerPid(p) === pid && startTime(p) === start) ownerAlive = true;
  });
  return ownerAlive ? members : [];
}

/** The JOB_ID of the job process under a wrapper pid (the outermost process of a confined job). */
export function jobIdOf(wrapperPid: number): string {
  let id = `${wrapperPid}@${ownPidNamespace()}@${startTime(wrapperPid)}`;
  eachProcess((p) => {
    const ns = readlinkSync(`/proc/${p}/ns/pid`);
    if (parentOf(p) === wrapperPid && ns !== ownPidNamespace()) id = `${innerPid(p)}@${ns}@${startTime(p)}`;
  });
  return id;
}

/**
 * A job that reaches for everything of its host it can: the environ and cmdline of its parent and
 * of the host pid given (as its own, the parent, would be in the host's namespace), the host's
 * memory, every process it can see, and its open file descriptors.
 */
export function hostileProbe(hostPid: number): string {
  return `import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
const read = (p) => { try { return readFileSync(p, 'latin1'); } catch (e) { return 'ERR ' + e.code; } };
const open = (p) => { try { closeSync(openSync(p, 'r')); return 'opened'; } catch (e) { return 'ERR ' + e.code; } };
export function main() {
  const pids = readdirSync('/proc').filter((e) => /^\\d+$/.test(e));
  return {
    ppid: process.ppid,
    ppidEnviron: read('/proc/' + process.ppid + '/environ'),
    hostEnviron: read('/proc/${hostPid}/environ'),
    hostCmdline: read('/proc/${hostPid}/cmdline'),
    hostMem: open('/proc/${hostPid}/mem'),
    visible: pids.map((p) => read('/proc/' + p + '/cmdline').split('\\0').join(' ')),
    fds: readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync('/proc/self/fd/' + fd); } catch { return ''; } }),
  };
}`;
}

export interface ProbeResult {
  ppid: number;
  ppidEnviron: string;
  hostEnviron: string;
  hostCmdline: string;
  hostMem: string;
  visible: string[];
  fds: string[];
}

/** Entries of this process's own initial environment (what /proc/<pid>/environ shows of it). */
export function ownEnvironEntries(): string[] {
  return readFileSync('/proc/self/environ', 'latin1').split('\0').filter(Boolean);
}
