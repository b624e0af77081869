// Chaos workers as child processes: spawn, replace, SIGKILL, stop gracefully.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WORKER_PROCESS = fileURLToPath(new URL('./worker-process.mjs', import.meta.url));

/**
 * @param {{ url: string, logFile: string, concurrency?: number, env?: Record<string, string> }} options
 */
export function createWorkerPool({ url, logFile, concurrency, env = {} }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  /** @type {Map<string, { name: string, group: string, child: import('node:child_process').ChildProcess, exited: Promise<number|null> }>} */
  const live = new Map();
  const killed = [];
  // workers that died, once ready, of something other than the pool's own SIGKILL or SIGTERM
  const diedUnasked = [];
  let seq = 0;

  /**
   * @param {string} group
   * @param {{ name?: string, url?: string, wrap?: string[] }} [where] wrap: a command the worker runs
   *   under (e.g. `ip netns exec <ns>`), url: its own database URL (default the pool's)
   */
  async function spawnWorker(group, where = {}) {
    const name = where.name ?? `${group}-${++seq}`;
    const [command, ...args] = [...(where.wrap ?? []), process.execPath, WORKER_PROCESS];
    const child = spawn(command, args, {
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: where.url ?? url,
        MILLRACE_GROUP: group,
        MILLRACE_WORKER_NAME: name,
        ...(concurrency ? { CHAOS_CONCURRENCY: String(concurrency) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (d) => log.write(d));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    const ready = new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d.toString();
        log.write(`[${name}] ${d}`);
        if (out.includes('ready')) resolve();
      });
      void exited.then((code) => reject(new Error(`worker ${name} exited before ready (${code})`)));
    });
    // a worker placed on a host of its own stays there: random kills leave it alone
    const entry = { name, group, child, exited, pinned: Boolean(where.wrap), ready: false, asked: false };
    live.set(name, entry);
    void exited.then((how) => {
      live.delete(name);
      if (entry.ready && !entry.asked) diedUnasked.push({ name, group, how });
    });
    await ready;
    entry.ready = true;
    return entry;
  }

  return {
    live,
    killed,
    diedUnasked,
    spawn: spawnWorker,
    /** SIGKILLs a random live worker (optionally of one group; never a pinned one) and returns it. */
    async killRandom(group) {
      const candidates = [...live.values()].filter((w) => !w.pinned && (!group || w.group === group));
      if (candidates.length === 0) return null;
      const victim = candidates[Math.floor(Math.random() * candidates.length)];
      victim.asked = true;
      victim.child.kill('SIGKILL');
      await victim.exited;
      killed.push(victim.name);
      return victim;
    },
    /** SIGTERM: each worker finishes its in-flight jobs, then exits. Resolves to exit codes by name. */
    async stopAll() {
      const all = [...live.values()];
      for (const w of all) {
        w.asked = true;
        w.child.kill('SIGTERM');
      }
      const timer = setTimeout(() => {
        for (const w of all) w.child.kill('SIGKILL');
      }, 30_000);
      const codes = await Promise.all(all.map((w) => w.exited));
      clearTimeout(timer);
      await new Promise((r) => log.end(r));
      return Object.fromEntries(all.map((w, i) => [w.name, codes[i]]));
    },
  };
}
