// A new user's first hour, automated: install the packed packages outside the workspace and use them
// exactly as the READMEs say. Every step runs the installed code, never the workspace's.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerProject,
  createConsumerProject,
  exec,
  PUBLIC_PACKAGES,
  REPO,
  typescriptBlocks,
} from './consumer-project';

const ESBUILD = join(REPO, 'node_modules', '.bin', 'esbuild');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
// The consumer has no DATABASE_URL: every example runs on embedded PGlite.
const consumerEnv = (): NodeJS.ProcessEnv => {
  const { DATABASE_URL: _url, MILLRACE_TOKEN: _token, ...env } = process.env;
  return env;
};

let project: ConsumerProject;
beforeAll(async () => {
  project = await createConsumerProject();
}, 600_000);
afterAll(() => {
  if (project) rmSync(join(project.dir, '..'), { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('hold built code, types, README and LICENSE, and no tests, sources or test helpers', async () => {
    expect([...project.tarballs.keys()].sort()).toEqual([...PUBLIC_PACKAGES].sort());
    for (const [name, file] of project.tarballs) {
      const { stdout } = await exec('tar', ['-tzf', join(project.tarballDir, file)], { cwd: REPO });
      const files = stdout.trim().split('\n');
      for (const wanted of [
        'package/package.json',
        'package/README.md',
        'package/LICENSE',
        'package/dist/index.js',
      ])
        expect(files, `${name} lacks ${wanted}`).toContain(wanted);
      expect(files, `${name} ships types`).toContain('package/dist/index.d.ts');
      const unwanted = files.filter((f) => /\.test\.|test-support|^package\/src\//.test(f));
      expect(unwanted, `${name} ships test or source files`).toEqual([]);
    }
  });

  it('ship the web UI inside @millrace/server', async () => {
    const file = project.tarballs.get('server') as string;
    const { stdout } = await exec('tar', ['-tzf', join(project.tarballDir, file)], { cwd: REPO });
    expect(stdout).toContain('package/dist/ui/index.html');
  });
});

it('runs the README library example verbatim on embedded PGlite', async () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const example = typescriptBlocks(readme).find((b) => b.code.includes("from '@millrace/worker'"));
  expect(example, 'the README has a library example').toBeDefined();
  writeFileSync(join(project.dir, 'readme-example.ts'), example?.code ?? '');
  await exec(
    ESBUILD,
    [
      'readme-example.ts',
      '--format=esm',
      '--platform=node',
      '--outfile=readme-example.mjs',
      '--log-level=warning',
    ],
    { cwd: project.dir },
  );
  const { stdout } = await exec('node', ['readme-example.mjs'], { cwd: project.dir, env: consumerEnv() });
  expect(stdout).toContain('success { sent: true } to ada@example.com');
}, 120_000);

it('loads from CommonJS with require(), and the types agree (.cts under nodenext)', async () => {
  writeFileSync(
    join(project.dir, 'plain.cjs'),
    `const { openDb } = require('@millrace/db');
     const { Queue } = require('@millrace/queue');
     const { openRunner } = require('@millrace/dedicated-runner');
     (async () => {
       const db = await openDb({});
       console.log('queue', typeof new Queue(db).push);
       await db.close();
       const runner = await openRunner({ handler: async (args) => args.n * 2 });
       console.log('runner', await runner.run({ n: 21 }));
       await runner.close();
     })();`,
  );
  const { stdout } = await exec('node', ['plain.cjs'], { cwd: project.dir, env: consumerEnv() });
  expect(stdout).toContain('queue function');
  expect(stdout).toContain('runner 42');

  mkdirSync(join(project.dir, 'cts'), { recursive: true });
  writeFileSync(
    join(project.dir, 'cts', 'typed.cts'),
    `import db = require('@millrace/db');
     import version = require('@millrace/db/package.json');
     export const open: typeof db.openDb = db.openDb;
     export const v: string = version.version;`,
  );
  writeFileSync(
    join(project.dir, 'tsconfig.cts.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        resolveJsonModule: true,
        types: ['node'],
      },
      include: ['cts'],
    }),
  );
  await exec('node', [TSC, '-p', 'tsconfig.cts.json'], { cwd: project.dir });
}, 120_000);

describe('every ts block of the READMEs typechecks under strict', () => {
  const readmes = ['README.md', ...PUBLIC_PACKAGES.map((p) => `packages/${p}/README.md`)];
  beforeAll(() => {
    const dir = join(project.dir, 'examples');
    mkdirSync(dir, { recursive: true });
    for (const readme of readmes) {
      for (const block of typescriptBlocks(readFileSync(join(REPO, readme), 'utf8'))) {
        const name = `${readme.replace(/[/.]/g, '_')}_line${block.line}.ts`;
        // `export {}` makes each block a module of its own, as a consumer's file would be
        writeFileSync(join(dir, name), `${block.code}\nexport {};\n`);
      }
    }
  });

  for (const resolution of ['nodenext', 'bundler'] as const) {
    it(`with moduleResolution ${resolution}`, async () => {
      const config = `tsconfig.${resolution}.json`;
      writeFileSync(
        join(project.dir, config),
        JSON.stringify({
          compilerOptions: {
            module: resolution === 'nodenext' ? 'nodenext' : 'esnext',
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
          },
          include: ['examples'],
        }),
      );
      await exec('node', [TSC, '-p', config], { cwd: project.dir });
    }, 120_000);
  }
});

it('a host app bundled with esbuild (Millrace packages external) runs a dedicated and a generic job', async () => {
  writeFileSync(
    join(project.dir, 'host.ts'),
    `import { openDb } from '@millrace/db';
     import { Queue } from '@millrace/queue';
     import { Settings } from '@millrace/settings';
     import { startWorker } from '@millrace/worker';

     const db = await openDb({});
     const settings = new Settings(db);
     await settings.deployScript({ path: 'f/app/double', content: 'export function main(a: { n: number }) { return a.n * 2; }' });
     await settings.setWorkerGroup('doubler', { dedicatedWorker: 'f/app/double' });
     await settings.setScriptSettings('f/app/double', { dedicated: true });
     const worker = await startWorker({ db, group: 'doubler' });
     const queue = new Queue(db, { settings });
     const job = await queue.wait(await queue.push('f/app/double', { n: 21 }), { timeoutMs: 30_000 });
     console.log('job', job.status, job.tag, job.result);
     // a generic job: a cold process whose wrapper imports the script contract from the installed runner
     await settings.deployScript({ path: 'f/app/cold', content: 'export function main(a: { n: number }) { return a.n * 3; }' });
     const generic = await startWorker({ db, group: 'default' });
     const cold = await queue.wait(await queue.push('f/app/cold', { n: 14 }), { timeoutMs: 30_000 });
     console.log('cold', cold.status, cold.tag, cold.result);
     await generic.stop();
     await worker.stop();
     await db.close();`,
  );
  await exec(
    ESBUILD,
    [
      'host.ts',
      '--bundle',
      '--format=esm',
      '--platform=node',
      '--external:@millrace/*',
      '--external:@electric-sql/pglite',
      '--outfile=bundle/host.mjs',
      '--log-level=warning',
    ],
    { cwd: project.dir },
  );
  const { stdout } = await exec('node', ['bundle/host.mjs'], { cwd: project.dir, env: consumerEnv() });
  expect(stdout).toContain('job success dedicated:f/app/double 42');
  expect(stdout).toContain('cold success node 42');
}, 120_000);

it('`millrace dev` from the installed CLI serves the real web UI', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'millrace-consumer-dev-'));
  const bin = join(project.dir, 'node_modules', '.bin', 'millrace');
  const dev = spawn(bin, ['dev', '--port', '0', '--no-dedicated'], { cwd, env: consumerEnv() });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      dev.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /running at (http:\/\/\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      dev.stderr.on('data', (chunk) => {
        out += chunk;
      });
      dev.once('exit', (code) => reject(new Error(`millrace dev exited ${code}: ${out}`)));
    });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('web UI is not built');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, 'index.html loads the UI bundle').toBeDefined();
    expect((await fetch(`${url}${script}`)).status).toBe(200);
  } finally {
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    dev.kill('SIGTERM');
    await exited;
    rmSync(cwd, { recursive: true, force: true });
  }
}, 120_000);
