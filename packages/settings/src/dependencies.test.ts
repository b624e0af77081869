import { chmod, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openTestDb, type TestDb, testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockHash } from './deps/lock';
import {
  DependencyBuildError,
  DependencyNotFoundError,
  DependencyTimeoutError,
  DependencyVersionNotFoundError,
  InvalidScriptError,
  RegistryUnreachableError,
  Settings,
} from './index';

// Real packages from the npm registry, tiny and dependency-free, at pinned versions.
const usesMs = `// millrace: deps ms@2.1.3
import ms from 'ms';
export function main(args: { span: string }) {
  return { ms: ms(args.span) };
}
`;

let cacheDir: string;
let npmLog: string;
let npmCommand: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'millrace-deps-test-'));
  // npm, recording each call, so a test can tell which deploys ran npm at all.
  npmLog = join(cacheDir, 'npm-calls.log');
  npmCommand = join(cacheDir, 'npm-logged');
  await writeFile(npmCommand, `#!/bin/sh\necho "$1" >> '${npmLog}'\nexec npm "$@"\n`);
  await chmod(npmCommand, 0o755);
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

const npmCalls = async () =>
  (await readFile(npmLog, 'utf8').catch(() => '')).split('\n').filter(Boolean) as string[];

/** Imports a version's code from a directory with no node_modules anywhere above it but /. */
async function runCode(code: string, args: unknown): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'millrace-bundle-'));
  const file = join(dir, 'script.mjs');
  await writeFile(file, code);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { main: (a: unknown) => unknown };
    return await mod.main(args);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.each(testDrivers())('script dependencies on %s', (driver) => {
  let t: TestDb;
  let settings: Settings;
  beforeAll(async () => {
    t = await openTestDb(driver);
    settings = new Settings(t.db, { dependencies: { cacheDir, npmCommand } });
  }, 60_000);
  afterAll(() => t.drop());

  const versionCount = async (path: string) => {
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM millrace.script_versions WHERE path = $1',
      [path],
    );
    return rows[0].n;
  };

  it('locks the imported package with its exact version and integrity, and bundles it', async () => {
    const res = await settings.deployScript({ path: 'f/deps/ms', content: usesMs });
    expect(res.dependencies?.packages).toEqual([
      { name: 'ms', version: '2.1.3', integrity: expect.stringMatching(/^sha512-/), direct: true },
    ]);
    expect(res.dependencies?.lockHash).toMatch(/^[0-9a-f]{64}$/);
    const script = await settings.getScript('f/deps/ms');
    expect(script.dependencies).toEqual(res.dependencies);
    expect((await settings.listVersions('f/deps/ms'))[0].dependencies).toEqual(res.dependencies);
    // the code carries the package: it runs where no node_modules has ms
    expect(script.code).not.toMatch(/from\s*['"]ms['"]/);
    expect(await runCode(script.code, { span: '2s' })).toEqual({ ms: 2000 });
  }, 60_000);

  it('gives a bundle whose CommonJS package requires a built-in a require of its own, and only such a bundle', async () => {
    // depd does require('path') when it loads
    const content = `// millrace: deps depd@2.0.0\nimport depd from 'depd';\nexport function main() { return typeof depd('millrace'); }\n`;
    await settings.deployScript({ path: 'f/deps/depd', content });
    const code = (await settings.getScript('f/deps/depd')).code;
    expect(code).toContain('createRequire');
    expect(await runCode(code, {})).toBe('function');
    await settings.deployScript({ path: 'f/deps/ms', content: usesMs }); // ms requires nothing
    expect((await settings.getScript('f/deps/ms')).code).not.toContain('createRequire');
    // and it keeps working when that script is bundled into another one
    await settings.deployScript({
      path: 'f/app/uses_depd',
      content: `import { main as inner } from 'millrace:f/deps/depd';\nexport function main() { return inner(); }\n`,
    });
    expect(await runCode((await settings.getScript('f/app/uses_depd')).code, {})).toBe('function');
  }, 60_000);

  it('deploys a script whose exact versions are cached without running npm', async () => {
    await settings.deployScript({ path: 'f/deps/ms', content: usesMs });
    const before = await npmCalls();
    const other = `${usesMs}// another script, same dependency set\n`;
    const res = await settings.deployScript({ path: 'f/deps/ms_again', content: other });
    expect(res.created).toBe(true);
    expect(res.dependencies?.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['ms@2.1.3']);
    expect(await npmCalls()).toEqual(before);
  }, 60_000);

  it('keeps the version on a redeploy of the same content and lock', async () => {
    const res = await settings.deployScript({ path: 'f/deps/ms', content: usesMs });
    expect(res).toMatchObject({ version: 1, created: false });
    expect(res.dependencies?.packages[0].name).toBe('ms');
    expect(await versionCount('f/deps/ms')).toBe(1);
  });

  it('pins an imported script: a library redeploy changes nothing until the importer is redeployed', async () => {
    const lib = (word: string) =>
      `export function shout(s: string) { return s.toUpperCase() + '${word}'; }\nexport function main() { return 'lib'; }\n`;
    const v1 = await settings.deployScript({ path: 'f/lib/text', content: lib('!') });
    const importer = `import { shout } from 'millrace:f/lib/text';\nexport function main(a: { s: string }) { return shout(a.s); }\n`;
    const first = await settings.deployScript({ path: 'f/app/greet', content: importer });
    expect(first.dependencies).toEqual({
      lockHash: null,
      packages: [],
      scripts: [{ path: 'f/lib/text', version: v1.version, hash: v1.hash }],
    });
    const v2 = await settings.deployScript({ path: 'f/lib/text', content: lib('?') });
    const pinned = await settings.getScript('f/app/greet');
    expect(pinned.version).toBe(first.version);
    expect(await runCode(pinned.code, { s: 'hi' })).toBe('HI!');
    // re-pin: deploy the importer again, same content
    const repinned = await settings.deployScript({ path: 'f/app/greet', content: importer });
    expect(repinned).toMatchObject({ created: true, version: first.version + 1 });
    expect(repinned.dependencies?.scripts).toEqual([
      { path: 'f/lib/text', version: v2.version, hash: v2.hash },
    ]);
    expect(await runCode((await settings.getScript('f/app/greet')).code, { s: 'hi' })).toBe('HI?');
  });

  it('bundles an imported script together with the packages it was deployed with', async () => {
    const lib = `// millrace: deps ms@2.1.3\nimport ms from 'ms';\nexport const toMs = (s: string) => ms(s);\nexport function main() {}\n`;
    await settings.deployScript({ path: 'f/lib/time', content: lib });
    const res = await settings.deployScript({
      path: 'f/app/time',
      content: `import { toMs } from 'millrace:f/lib/time';\nexport function main() { return toMs('1m'); }\n`,
    });
    expect(res.dependencies?.packages).toEqual([]);
    expect(await runCode((await settings.getScript('f/app/time')).code, {})).toBe(60_000);
  });

  it.each([
    [
      'an unknown package',
      `import x from 'millrace-no-such-package-zz9q';\nexport function main() { return x; }\n`,
      DependencyNotFoundError,
      'dependency_not_found',
      'millrace-no-such-package-zz9q',
    ],
    [
      'a version that does not exist',
      `// millrace: deps ms@99.0.0\nimport ms from 'ms';\nexport function main() { return ms('1s'); }\n`,
      DependencyVersionNotFoundError,
      'dependency_version_not_found',
      'ms',
    ],
    [
      'a package npm refuses to install here (macOS only)',
      `// millrace: deps fsevents@2.3.3\nimport f from 'fsevents';\nexport function main() { return !!f; }\n`,
      DependencyBuildError,
      'dependency_build_failed',
      'fsevents',
    ],
    [
      'a native addon, which a bundle cannot carry',
      `// millrace: deps bufferutil@4.0.8\nimport b from 'bufferutil';\nexport function main() { return !!b; }\n`,
      DependencyBuildError,
      'dependency_build_failed',
      'bufferutil',
    ],
    [
      'an import of a script that is not deployed',
      `import { x } from 'millrace:f/nowhere/lib';\nexport function main() { return x; }\n`,
      DependencyNotFoundError,
      'dependency_not_found',
      'millrace:f/nowhere/lib',
    ],
  ])(
    'refuses %s with a typed error naming it, and writes nothing',
    async (_case, content, type, code, name) => {
      const err = await settings.deployScript({ path: 'f/bad/deps', content }).catch((e) => e);
      expect(err).toBeInstanceOf(type);
      expect(err).toMatchObject({ code, packageName: name });
      expect(err.message).toContain(name);
      expect(await versionCount('f/bad/deps')).toBe(0);
      await expect(settings.getScript('f/bad/deps')).rejects.toMatchObject({ code: 'script_not_found' });
    },
    60_000,
  );

  it('refuses to import a Python script or an in-host handler', async () => {
    await settings.deployScript({
      path: 'f/lib/py',
      content: 'def main(args):\n    return 1\n',
      language: 'python',
    });
    await settings.registerHandlers(['f/lib/handler']);
    for (const path of ['f/lib/py', 'f/lib/handler']) {
      const content = `import { x } from 'millrace:${path}';\nexport function main() { return x; }\n`;
      const err = await settings.deployScript({ path: 'f/bad/import', content }).catch((e) => e);
      expect(err).toBeInstanceOf(DependencyBuildError);
      expect(err.packageName).toBe(`millrace:${path}`);
    }
    expect(await versionCount('f/bad/import')).toBe(0);
  });

  it('refuses a deploy when the registry cannot be reached, naming the package', async () => {
    const offline = new Settings(t.db, {
      dependencies: { cacheDir, npmConfig: { registry: 'http://127.0.0.1:9/', fetch_retries: '0' } },
    });
    const content = `import pad from 'left-pad';\nexport function main() { return pad('1', 3); }\n`;
    const err = await offline.deployScript({ path: 'f/bad/offline', content }).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryUnreachableError);
    expect(err).toMatchObject({ code: 'registry_unreachable', packageName: 'left-pad' });
    expect(await versionCount('f/bad/offline')).toBe(0);
  }, 60_000);

  it('refuses a deploy that does not resolve within its timeout', async () => {
    const hurried = new Settings(t.db, { dependencies: { cacheDir, timeoutMs: 50 } });
    const content = `// millrace: deps ms@^2\nimport ms from 'ms';\nexport function main() { return ms('1s'); }\n`;
    const err = await hurried.deployScript({ path: 'f/bad/slow', content }).catch((e) => e);
    expect(err).toBeInstanceOf(DependencyTimeoutError);
    expect(err).toMatchObject({ code: 'dependency_timeout', packageName: 'ms' });
    expect(await versionCount('f/bad/slow')).toBe(0);
  });

  it.runIf(driver === 'postgres')(
    'resolves in its temp dir even when the host runs under npm -w (npm_config_workspace)',
    async () => {
      process.env.npm_config_workspace = 'packages/somewhere';
      try {
        const content = `// millrace: deps ms@^2\nimport ms from 'ms';\nexport function main() { return ms('1s'); }\n`;
        const res = await settings.deployScript({ path: 'f/deps/under_npm_run', content });
        expect(res.dependencies?.packages.map((p) => p.name)).toEqual(['ms']);
      } finally {
        delete process.env.npm_config_workspace;
      }
    },
    60_000,
  );

  it('refuses imports that are not packages or scripts', async () => {
    for (const specifier of ['./helper', '../x.js', '/etc/x.mjs', 'https://esm.sh/ms']) {
      const content = `import x from '${specifier}';\nexport function main() { return x; }\n`;
      await expect(settings.deployScript({ path: 'f/bad/relative', content })).rejects.toBeInstanceOf(
        InvalidScriptError,
      );
    }
    for (const spec of ['ms@file:../x', 'ms@git+https://x', 'ms@npm:evil']) {
      const content = `// millrace: deps ${spec}\nimport ms from 'ms';\nexport function main() { return ms; }\n`;
      await expect(settings.deployScript({ path: 'f/bad/spec', content })).rejects.toBeInstanceOf(
        InvalidScriptError,
      );
    }
    expect(await versionCount('f/bad/relative')).toBe(0);
  });

  it('keeps scripts that import only Node built-ins unbundled, with no lock', async () => {
    const content = `import { createHash } from 'node:crypto';\nimport path from 'path';\nexport function main() { return createHash('sha1').update(path.sep).digest('hex'); }\n`;
    const res = await settings.deployScript({ path: 'f/deps/builtins', content });
    expect(res.dependencies).toBeNull();
    expect((await settings.getScript('f/deps/builtins')).code).toContain('from "node:crypto"');
  });

  it('refuses a Python script with third-party imports at deploy, keeps stdlib-only ones', async () => {
    const thirdParty = `import json\nimport requests\nfrom yaml import safe_load\n\ndef main(args):\n    return 1\n`;
    const err = await settings
      .deployScript({ path: 'f/py/third', content: thirdParty, language: 'python' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidScriptError);
    expect(err.message).toContain('requests, yaml');
    expect(await versionCount('f/py/third')).toBe(0);
    const stdlib = `import json, os.path\nfrom collections import Counter\ntry:\n    import ujson as fast\nexcept ImportError:\n    fast = json\n\ndef main(args):\n    return fast.dumps(Counter('aab'))\n`;
    await expect(
      settings.deployScript({ path: 'f/py/std', content: stdlib, language: 'python' }),
    ).resolves.toMatchObject({ created: true, dependencies: null });
  });
});

describe('the install cache', () => {
  const IS_NUMBER = {
    name: 'is-number',
    version: '7.0.0',
    integrity:
      'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==',
  };
  const MS = {
    name: 'ms',
    version: '2.1.3',
    integrity:
      'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
  };

  it('installs a dependency set once when deploys of it run at the same time, past a stale lock', async () => {
    const t = await openTestDb('pglite');
    const dir = await mkdtemp(join(tmpdir(), 'millrace-deps-once-'));
    try {
      // a lock left behind by a deploy killed an hour ago does not block the set forever
      const expected = lockHash([
        { ...IS_NUMBER, direct: true },
        { ...MS, direct: true },
      ]);
      const stale = join(dir, `${expected}.lock`);
      await mkdir(stale);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await utimes(stale, anHourAgo, anHourAgo);
      const settings = new Settings(t.db, { dependencies: { cacheDir: dir, npmCommand } });
      const before = (await npmCalls()).filter((c) => c === 'ci').length;
      // ms is listed but not imported: locked and installed, left out of the bundle
      const content = (n: number) =>
        `// millrace: deps is-number@7.0.0 ms@2.1.3\nimport isNumber from 'is-number';\nexport function main() { return isNumber(${n}); }\n`;
      const results = await Promise.all(
        [1, 2, 3].map((n) => settings.deployScript({ path: `f/once/s${n}`, content: content(n) })),
      );
      expect(results.map((r) => r.dependencies?.lockHash)).toEqual([expected, expected, expected]);
      expect(results[0].dependencies?.packages.map((p) => p.name)).toEqual(['is-number', 'ms']);
      expect((await npmCalls()).filter((c) => c === 'ci').length - before).toBe(1);
      // one entry, named by the lock's hash, and no lock or temp dir left behind
      expect((await readdir(dir)).sort()).toEqual([expected, 'specs', 'tmp']);
      expect(await readdir(join(dir, 'tmp'))).toEqual([]);
      const code = (await settings.getScript('f/once/s1')).code;
      expect(code).not.toContain('function parse(str)'); // ms's parser is not bundled
      expect(await runCode(code, {})).toBe(true);
    } finally {
      await t.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
