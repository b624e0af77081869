import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, openDb } from './index';

// The child opens the directory through the built package, as a second `millrace` process would.
const distUrl = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;

function openInChild(dataDir: string, holdOpen: boolean): { child: ChildProcess; said: Promise<string> } {
  const script = `
    const { openDb } = await import(${JSON.stringify(distUrl)});
    try {
      const db = await openDb({ dataDir: ${JSON.stringify(dataDir)} });
      const { rows } = await db.query("SELECT count(*)::int AS n FROM millrace.worker_groups");
      process.stdout.write('opened ' + rows[0].n + '\\n');
      if (!${holdOpen}) await db.close();
      else setInterval(() => {}, 1000);
    } catch (err) {
      process.stdout.write(err.code + ' ' + err.message + '\\n');
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const said = new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', () => resolve(out.trim()));
  });
  return { child, said };
}

describe('a PGlite data dir is open in one process at a time', () => {
  const root = mkdtempSync(join(tmpdir(), 'millrace-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second open in the same process, naming the holder, and frees the dir on close', async () => {
    const dataDir = join(root, 'same-process');
    const db = await openDb({ dataDir });
    const second = await openDb({ dataDir }).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(DataDirLockedError);
    expect((second as DataDirLockedError).code).toBe('data_dir_locked');
    expect((second as DataDirLockedError).holder?.pid).toBe(process.pid);
    expect((second as DataDirLockedError).message).toContain(String(process.pid));
    // the refused open changed nothing: the holder still works and its lock is still there
    expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    await db.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await openDb({ dataDir });
    await again.close();
  }, 90_000);

  it('refuses a second process at once while the first holds the dir', async () => {
    const dataDir = join(root, 'two-processes');
    const db = await openDb({ dataDir });
    try {
      const { said } = openInChild(dataDir, false);
      const answer = await said;
      expect(answer).toMatch(/^data_dir_locked /);
      expect(answer).toContain(`process ${process.pid}`);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('takes over the lock of a holder killed with SIGKILL, and its data is intact', async () => {
    const dataDir = join(root, 'killed-holder');
    const { child, said } = openInChild(dataDir, true);
    expect(await said).toBe('opened 1');
    const holder = JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8'));
    expect(holder.pid).toBe(child.pid);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const db = await openDb({ dataDir });
    try {
      const { rows } = await db.query<{ name: string }>('SELECT name FROM millrace.worker_groups');
      expect(rows).toEqual([{ name: 'default' }]);
      expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8')).pid).toBe(process.pid);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('never steals a lock whose holder is alive, even one it cannot signal', () => {
    const dataDir = join(root, 'foreign-holder');
    // pid 1 is alive and, for a non-root test run, not ours to signal (EPERM): still a holder
    writeFileSync(
      `${dataDir}.lock`,
      JSON.stringify({ pid: 1, host: hostname(), command: 'init', since: new Date().toISOString() }),
    );
    return expect(openDb({ dataDir })).rejects.toMatchObject({ code: 'data_dir_locked', holder: { pid: 1 } });
  });
});
