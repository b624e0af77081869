import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb } from '@millrace/testing';
import { type RunningWorker, startWorker } from '@millrace/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliError } from './errors';
import { millrace } from './test-support';

let t: TestDb;
let env: NodeJS.ProcessEnv;
let dir: string;
let worker: RunningWorker;
beforeAll(async () => {
  t = await openTestDb('postgres');
  dir = mkdtempSync(join(tmpdir(), 'millrace-cli-'));
  env = { DATABASE_URL: t.url, MILLRACE_DEPS_CACHE_DIR: join(dir, '.deps-cache') };
  mkdirSync(join(dir, 'billing'));
  writeFileSync(
    join(dir, 'hello.ts'),
    'export function main(a: { name: string }) { console.log("hi"); return "hi " + a.name; }',
  );
  writeFileSync(
    join(dir, 'billing', 'charge.js'),
    'export function main(a) { return { charged: a.cents }; }',
  );
  writeFileSync(join(dir, 'boom.js'), 'export function main() { throw new Error("boom"); }');
  writeFileSync(join(dir, 'notes.txt'), 'not a script');
  worker = await startWorker({ db: t.db, group: 'default', concurrency: 4 });
});
afterAll(async () => {
  await worker.stop();
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('deploys one file, then a directory with progress lines', async () => {
  const one = await millrace(['deploy', 'f/app/hello', join(dir, 'hello.ts')], env);
  expect(one.error).toBeUndefined();
  expect(one.out).toMatch(/^deployed +f\/app\/hello v1 /);
  const all = await millrace(['deploy', '--dir', dir], env);
  expect(all.error).toBeUndefined();
  expect(all.out.split('\n')).toEqual([
    expect.stringMatching(/^\[1\/3\] deployed +f\/billing\/charge v1/),
    expect.stringMatching(/^\[2\/3\] deployed +f\/boom v1/),
    expect.stringMatching(/^\[3\/3\] deployed +f\/hello v1/),
  ]);
  const again = await millrace(['deploy', '--dir', dir], env);
  expect(again.out).toContain('unchanged f/hello v1');
  const scripts = await new Settings(t.db).listScripts();
  expect(scripts.map((s) => s.path).sort()).toEqual(['f/app/hello', 'f/billing/charge', 'f/boom', 'f/hello']);
});

it('run --wait prints the result JSON (a real worker runs the job)', async () => {
  const res = await millrace(['run', 'f/app/hello', '--args', '{"name":"Ada"}', '--wait'], env);
  expect(res.error).toBeUndefined();
  expect(JSON.parse(res.out)).toBe('hi Ada');
});

it('deploy prints the locked dependencies, and the job runs with them', async () => {
  const lib = join(dir, '.lib.ts');
  writeFileSync(lib, 'export const twice = (n: number) => n * 2;\nexport function main() {}\n');
  expect((await millrace(['deploy', 'f/lib/math', lib], env)).error).toBeUndefined();
  const file = join(dir, '.uses-ms.ts');
  writeFileSync(
    file,
    "// millrace: deps ms@2.1.3\nimport ms from 'ms';\nimport { twice } from 'millrace:f/lib/math';\nexport function main() { return twice(ms('1s')); }\n",
  );
  const res = await millrace(['deploy', 'f/app/uses_ms', file], env);
  expect(res.out.split('\n')).toEqual([
    expect.stringMatching(/^deployed +f\/app\/uses_ms v1 /),
    '  uses ms@2.1.3',
    expect.stringMatching(/^ {2}uses millrace:f\/lib\/math v1 \([0-9a-f]{12}\)$/),
  ]);
  const ran = await millrace(['run', 'f/app/uses_ms', '--wait'], env);
  expect(ran.error).toBeUndefined();
  expect(ran.out).toContain('2000');
}, 60_000);

it('run without --wait prints the job ids', async () => {
  const res = await millrace(['run', 'f/billing/charge', '--args', '{"cents":5}', '--count', '3'], env);
  expect(res.out.split('\n')).toEqual([
    expect.stringMatching(/^\d+$/),
    expect.stringMatching(/^\d+$/),
    expect.stringMatching(/^\d+$/),
  ]);
});

it('run --count --wait shows progress and a summary', async () => {
  const res = await millrace(
    ['run', 'f/billing/charge', '--args', '{"cents":5}', '--count', '5', '--wait'],
    env,
  );
  expect(res.error).toBeUndefined();
  expect(res.out).toContain('5/5 done');
  expect(res.out).toMatch(/5 success in .* jobs\/s/);
});

it('run --wait fails with exit 1 when the job fails', async () => {
  const res = await millrace(['run', 'f/boom', '--wait'], env);
  expect(res.error).toBeInstanceOf(CliError);
  expect((res.error as CliError).exitCode).toBe(1);
  expect(res.err).toContain('ended failure: boom');
});

it('refuses an unknown script, a missing file and an unknown group', async () => {
  const run = await millrace(['run', 'f/app/nope'], env);
  expect((run.error as Error).message).toContain('script not found: f/app/nope');
  const file = await millrace(['deploy', 'f/app/x', join(dir, 'missing.ts')], env);
  expect((file.error as Error).message).toContain('cannot read');
  const group = await millrace(['worker', '--group', 'nope'], env);
  expect((group.error as Error).message).toContain('worker group not found: nope');
});

it('refuses --args JSON would not carry back (1e999 parses as Infinity) and pushes nothing', async () => {
  const before = (await t.db.query('SELECT id FROM millrace.jobs')).rows.length;
  const res = await millrace(['run', 'f/app/hello', '--args', '{"n":1e999}'], env);
  expect(res.error).toMatchObject({ code: 'invalid_args' });
  expect((res.error as Error).message).toContain('args.n: Infinity is not JSON');
  expect((await t.db.query('SELECT id FROM millrace.jobs')).rows).toHaveLength(before);
});

it('run --wait that times out says when no live worker serves the job tag', async () => {
  const res = await millrace(
    ['run', 'f/app/hello', '--tag', 'nobody-serves-this', '--wait', '--timeout', '300'],
    env,
  );
  expect(res.error).toMatchObject({ code: 'wait_timeout' });
  expect((res.error as Error).message).toContain('no live worker serves tag nobody-serves-this');
});
