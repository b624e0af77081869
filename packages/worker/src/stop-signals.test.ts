// A worker started with handleSignals owns its process: SIGTERM finishes in-flight jobs and the
// process exits 0 — even when the host never closes its database — and a second signal gives
// the in-flight job back to the queue at once (a lost attempt, `worker_stopped`), then exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

const WORKER_PROCESS = fileURLToPath(new URL('../test-fixtures/worker-process.mjs', import.meta.url));

function spawnWorker(url: string, name: string, group: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [WORKER_PROCESS], {
    env: { ...process.env, ...env, DATABASE_URL: url, MILLRACE_WORKER_NAME: name, MILLRACE_GROUP: group },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const ready = waitFor(() => out.includes('ready'));
  return { child, ready, exited, output: () => out };
}

// A worker in another process needs a database it can reach: PostgreSQL only.
describe.runIf(testDrivers().includes('postgres'))('a worker that handles signals', () => {
  let f: WorkerFixture;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    f = await openWorkerFixture('postgres');
    await f.deploy(
      'f/signal/slow',
      'export async function main(a) { console.log("started"); await new Promise((r) => setTimeout(r, a.ms)); return "done"; }',
    );
    await f.settings.setScriptSettings('f/signal/slow', { tag: 'signal' });
    await f.settings.setWorkerGroup('signal', { tags: ['signal'] });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await f.drop();
  });

  it('exits 0 after SIGTERM once its job is done, though the host keeps its database open', async () => {
    const w = spawnWorker(f.url as string, 'keeps-db', 'signal', { MILLRACE_KEEP_DB_OPEN: '1' });
    children.push(w.child);
    await w.ready;
    const id = await f.queue.push('f/signal/slow', { ms: 1_500 });
    await waitFor(async () => (await f.queue.logs(id)).includes('started'));
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(await f.queue.get(id)).toMatchObject({ status: 'success', worker: 'keeps-db' });
  });

  it('a second signal hands the in-flight job back at once, then exits 0', async () => {
    const w = spawnWorker(f.url as string, 'hurried', 'signal');
    children.push(w.child);
    await w.ready;
    const id = await f.queue.push('f/signal/slow', { ms: 120_000 });
    await waitFor(async () => (await f.queue.logs(id)).includes('started'));
    w.child.kill('SIGTERM');
    await waitFor(() => w.output().includes('got SIGTERM'));
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    const job = await f.queue.get(id);
    expect(job.status).toBe('queued');
    expect(await f.queue.attempts(id)).toMatchObject([
      { attempt: 1, status: 'lost', worker: 'hurried', error: { reason: 'worker_stopped' } },
    ]);
  });
});
