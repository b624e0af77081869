// Shared by the cold executor's tests: build jobs and contexts, and find this process's wrappers.
import { readdirSync, readFileSync } from 'node:fs';
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
