import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidPathError, InvalidScriptError, ScriptNotFoundError, Settings, scriptHash } from './index';

const hello = `export async function main(args: { name: string }): Promise<string> {
  const greeting: string = 'hello ' + args.name;
  return greeting;
}
`;

describe.each(testDrivers())('deployScript on %s', (driver) => {
  let t: TestDb;
  let settings: Settings;
  beforeAll(async () => {
    t = await openTestDb(driver);
    settings = new Settings(t.db, { maxScriptBytes: 4096 });
  });
  afterAll(() => t.drop());

  const countVersions = async (path: string) => {
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM millrace.script_versions WHERE path = $1',
      [path],
    );
    return rows[0].n;
  };

  it('stores version 1 with its hash, and TypeScript transpiled to ESM in code', async () => {
    const res = await settings.deployScript({ path: 'u/alice/hello', content: hello });
    expect(res).toEqual({
      path: 'u/alice/hello',
      hash: scriptHash('typescript', hello),
      version: 1,
      created: true,
      dependencies: null,
    });
    expect(res.hash).toMatch(/^[0-9a-f]{64}$/);
    const script = await settings.getScript('u/alice/hello');
    expect(script).toMatchObject({
      path: 'u/alice/hello',
      version: 1,
      language: 'typescript',
      content: hello,
    });
    expect(script.code).not.toContain(': string');
    // what workers run is plain ESM: Node imports it as is
    const mod = await import(`data:text/javascript,${encodeURIComponent(script.code)}`);
    expect(await mod.main({ name: 'bob' })).toBe('hello bob');
    expect(script.createdAt).toBeInstanceOf(Date);
    expect(script.settings).toEqual({
      dedicated: false,
      tag: null,
      timeoutMs: null,
      maxAttempts: 1,
      priority: 0,
      maxRunning: null,
      rateLimit: null,
    });
    expect(script.resolvedTag).toBe('node');
  });

  it('treats a redeploy of the latest content as a no-op', async () => {
    const res = await settings.deployScript({ path: 'u/alice/hello', content: hello });
    expect(res).toMatchObject({ version: 1, created: false });
    expect(await countVersions('u/alice/hello')).toBe(1);
  });

  it('makes a new version for new content, and again for content equal to an older version', async () => {
    const v2 = `${hello}// v2\n`;
    expect(await settings.deployScript({ path: 'u/alice/hello', content: v2 })).toMatchObject({
      version: 2,
      created: true,
    });
    const back = await settings.deployScript({ path: 'u/alice/hello', content: hello });
    expect(back).toMatchObject({ version: 3, created: true, hash: scriptHash('typescript', hello) });
    expect((await settings.listVersions('u/alice/hello')).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await settings.getScript('u/alice/hello', { version: 2 })).content).toBe(v2);
    // the same hash names the same code, whichever version row carries it
    const byHash = await settings.getScriptVersion('u/alice/hello', back.hash);
    expect(byHash).toMatchObject({ version: 3, content: hello });
    await expect(settings.getScript('u/alice/hello', { version: 9 })).rejects.toBeInstanceOf(
      ScriptNotFoundError,
    );
  });

  it.each([
    ['export function main() { return 1 }'],
    ['export const main = async () => 1;'],
    ['function run() { return 1 }\nexport { run as main };'],
    ['export async function main(a: { n: number }) { return a.n }'],
  ])('accepts a main export written as %s', async (content) => {
    await expect(settings.deployScript({ path: 'f/spelling/main', content })).resolves.toMatchObject({
      created: true,
    });
  });

  it('refuses content that does not parse, quoting the line, and stores nothing', async () => {
    const content = 'export function main() {\n  const a b = 1;\n  return a;\n}\n';
    const err = await settings.deployScript({ path: 'f/bad/syntax', content }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidScriptError);
    expect(err.code).toBe('invalid_script');
    expect(err.message).toContain('2:11');
    expect(err.message).toContain('const a b = 1;');
    await expect(settings.getScript('f/bad/syntax')).rejects.toMatchObject({ code: 'script_not_found' });
    expect(await countVersions('f/bad/syntax')).toBe(0);
  });

  it('refuses a module without a main export (a default export alone does not count)', async () => {
    for (const content of ['export function run() {}', 'export default function main() {}']) {
      await expect(settings.deployScript({ path: 'f/bad/nomain', content })).rejects.toThrow(
        'script must export a function named main',
      );
    }
    expect(await countVersions('f/bad/nomain')).toBe(0);
  });

  it('deploys JavaScript and Python', async () => {
    const js = 'export const main = (args) => args;';
    expect(
      await settings.deployScript({ path: 'f/js/echo', content: js, language: 'javascript' }),
    ).toMatchObject({
      version: 1,
    });
    expect((await settings.getScript('f/js/echo')).language).toBe('javascript');

    const py = 'import json\n\nasync def main(args):\n    return args\n';
    await settings.deployScript({ path: 'f/py/echo', content: py, language: 'python' });
    expect(await settings.getScript('f/py/echo')).toMatchObject({ language: 'python', code: py });
  });

  it('refuses Python without a top-level main', async () => {
    const nested = 'class A:\n    def main(self):\n        pass\n';
    await expect(
      settings.deployScript({ path: 'f/py/bad', content: nested, language: 'python' }),
    ).rejects.toBeInstanceOf(InvalidScriptError);
  });

  it('gives the same content in another language another hash', () => {
    expect(scriptHash('typescript', 'x')).not.toBe(scriptHash('javascript', 'x'));
  });

  it('refuses content over the size limit and an unknown language', async () => {
    const big = `export function main() {}\n//${'x'.repeat(5000)}`;
    await expect(settings.deployScript({ path: 'f/big/one', content: big })).rejects.toThrow(
      /over the limit of 4096/,
    );
    await expect(
      settings.deployScript({ path: 'f/lang/x', content: 'x', language: 'ruby' as never }),
    ).rejects.toBeInstanceOf(InvalidScriptError);
  });

  it.each(['hello', '/f/a', 'f/a/', 'f//a', 'F/a', 'f/a b', `f/${'a'.repeat(254)}`])(
    'refuses the path %j',
    async (path) => {
      await expect(settings.deployScript({ path, content: hello })).rejects.toBeInstanceOf(InvalidPathError);
    },
  );

  it('lists scripts without content, with their latest version and settings', async () => {
    const list = await settings.listScripts();
    const hello = list.find((s) => s.path === 'u/alice/hello');
    expect(hello).toMatchObject({ version: 3, language: 'typescript', resolvedTag: 'node' });
    expect(hello).not.toHaveProperty('content');
    expect(list.map((s) => s.path)).toEqual([...list.map((s) => s.path)].sort());
  });

  it('throws ScriptNotFoundError for unknown paths and hashes', async () => {
    await expect(settings.getScript('f/no/such')).rejects.toBeInstanceOf(ScriptNotFoundError);
    await expect(settings.getScriptVersion('u/alice/hello', 'deadbeef')).rejects.toBeInstanceOf(
      ScriptNotFoundError,
    );
    await expect(settings.listVersions('f/no/such')).rejects.toBeInstanceOf(ScriptNotFoundError);
  });
});

describe.runIf(testDrivers().includes('postgres'))('concurrent deploys on postgres', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('postgres', { poolSize: 8 });
  });
  afterAll(() => t.drop());

  it('number the versions of one path without gaps or duplicates', async () => {
    const settings = new Settings(t.db);
    const contents = Array.from({ length: 8 }, (_, i) => `export const main = () => ${i};`);
    const results = await Promise.all(
      contents.map((content) => settings.deployScript({ path: 'f/race/one', content })),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const latest = await settings.getScript('f/race/one');
    expect(latest.version).toBe(8);
    expect(latest.hash).toBe(results.find((r) => r.version === 8)?.hash);
  });

  it('of the same new content create exactly one version', async () => {
    const settings = new Settings(t.db);
    const content = 'export const main = () => "same";';
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => settings.deployScript({ path: 'f/race/same', content })),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([1]));
  });
});
