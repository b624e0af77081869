// `millrace server`: the token from a file (never needing the command line), the allow-list flag,
// and every 5xx printed with the request id the client got.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDb, type TestDb } from '@millrace/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Io } from './io';
import { buildProgram } from './program';

const TOKEN = 'cli-token-from-a-file-0123';
let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await openTestDb('postgres');
  dir = mkdtempSync(join(tmpdir(), 'millrace-server-cmd-'));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
});
afterAll(async () => {
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** `millrace server <args>` on the test database; `whileRunning` gets its URL, then it stops. */
async function server(args: string[], whileRunning: (url: string) => Promise<void> = async () => {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
    cwd: dir,
    untilStopped: async () => {
      const line = out.find((l) => l.includes('server at')) ?? '';
      await whileRunning(/(http:\/\/\S+)/.exec(line)?.[1] ?? '');
    },
  };
  let error: unknown;
  try {
    const flags = ['server', '--database-url', t.url ?? '', '--port', '0', '--ui-dir', dir, ...args];
    await buildProgram(io).parseAsync(flags, { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { out: out.join('\n'), err: err.join('\n'), error };
}

it('reads the token from --token-file and never prints it', async () => {
  const run = await server(['--token-file', 'token'], async (url) => {
    expect((await fetch(`${url}/api/scripts`)).status).toBe(401);
    const ok = await fetch(`${url}/api/scripts`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });
  expect(run.error).toBeUndefined();
  expect(run.out).toContain('(bearer token required)');
  expect(run.out + run.err).not.toContain(TOKEN);
});

it('warns that --token shows in ps, and refuses --token with --token-file or an empty file', async () => {
  const warned = await server(['--token', TOKEN]);
  expect(warned.err).toContain('--token is visible to every user of this machine');
  const both = await server(['--token', TOKEN, '--token-file', 'token']);
  expect(String(both.error)).toContain('not both');
  writeFileSync(join(dir, 'empty'), '\n');
  expect(String((await server(['--token-file', 'empty'])).error)).toContain('is empty');
  expect(String((await server(['--token-file', 'missing'])).error)).toContain('cannot read --token-file');
});

it('answers the names given with --allowed-host besides loopback', async () => {
  const run = await server(
    ['--allowed-host', 'millrace.test', '--allowed-host', 'ops.test:9000'],
    async (url) => {
      const { port } = new URL(url);
      const status = async (host: string) => {
        const { request } = await import('node:http');
        return new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/api/scripts', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      };
      expect(await status('millrace.test')).toBe(200);
      expect(await status('ops.test:9000')).toBe(200);
      expect(await status('evil.test')).toBe(421);
    },
  );
  expect(run.error).toBeUndefined();
});

it('prints each 500 with the request id the client got', async () => {
  let requestId = '';
  const run = await server([], async (url) => {
    await t.db.query('ALTER TABLE millrace.scripts RENAME TO scripts_gone');
    try {
      const res = await fetch(`${url}/api/scripts`);
      expect(res.status).toBe(500);
      requestId = res.headers.get('x-request-id') ?? '';
    } finally {
      await t.db.query('ALTER TABLE millrace.scripts_gone RENAME TO scripts');
    }
  });
  expect(requestId).toMatch(/^[0-9a-f]{16}$/);
  expect(run.err).toContain(`error: GET /api/scripts answered 500 (request ${requestId})`);
  expect(run.err).toContain('scripts');
});
