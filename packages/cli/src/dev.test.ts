import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Io } from './io';
import { buildProgram } from './program';

const dir = mkdtempSync(join(tmpdir(), 'millrace-dev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `millrace dev` on embedded PGlite; while it runs, `whileRunning` gets its URL, then it stops. */
async function dev(whileRunning: (url: string) => Promise<void>, flags: string[] = ['--no-dedicated']) {
  const out: string[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    env: {},
    cwd: dir,
    untilStopped: async () => {
      const line = out.find((l) => l.includes('running at')) ?? '';
      await whileRunning(/(http:\/\/\S+)/.exec(line)?.[1] ?? '');
    },
  };
  await buildProgram(io).parseAsync(['dev', '--port', '0', ...flags], { from: 'user' });
  return out;
}

it('runs server, UI and a worker with the examples on PGlite, and stops cleanly', async () => {
  const out = await dev(async (url) => {
    const res = await fetch(`${url}/api/run/f/examples/hello?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(await res.json()).toEqual({ greeting: 'Hello, Ada!' });
    const health = await (await fetch(`${url}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, db: 'pglite' });

    // a second command on the same data dir is refused at once and told what to do instead
    const said: string[] = [];
    const second: Io = {
      out: (l) => said.push(l),
      err: (l) => said.push(l),
      env: {},
      cwd: dir,
      untilStopped: async () => {},
    };
    const refused = await buildProgram(second)
      .parseAsync(['run', 'f/examples/hello'], { from: 'user' })
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'data_dir_locked' });
    expect((refused as Error).message).toContain(`process ${process.pid}`);
    expect((refused as Error).message).toContain('HTTP API');
  });
  expect(out).toContain('deployed 5 example scripts');
  expect(out.at(-1)).toBe('stopped');

  // a second start on the same data dir keeps what is deployed
  const again = await dev(async () => {});
  expect(again.some((l) => l.includes('deployed 5'))).toBe(false);
});

it('survives a dedicated example job that kills its own process and its parent', async () => {
  // In a thread of this process (the thread runtime), this job would end the test run itself.
  const hostile = `export function main() {
    for (const pid of [process.pid, process.ppid]) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    return 'still here';
  }`;
  const post = (url: string, path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const out = await dev(async (url) => {
    const deployed = await post(url, '/api/scripts', {
      path: 'f/examples/send_email',
      content: hostile,
      language: 'javascript',
    });
    expect(deployed.status).toBeLessThan(300);
    // Its kill(0) (ppid 0 in its PID namespace) reaches its own process group only: the job ends
    // its own runtime, as a crash, or answers first. Either way, one job and nothing more.
    const res = await post(url, '/api/run/f/examples/send_email?wait=true', {});
    const body = await res.json();
    if (res.ok) expect(body).toBe('still here');
    else
      expect(body).toMatchObject({ error: { code: 'job_failed', details: { error: { reason: 'crash' } } } });
    const hello = await post(url, '/api/run/f/examples/hello?wait=true', { name: 'Ada' });
    expect(await hello.json()).toEqual({ greeting: 'Hello, Ada!' });
  }, []);
  expect(out.at(-1)).toBe('stopped');
});
