// A project outside the workspace that installs the packed tarballs, as a library consumer would.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Every package a consumer can install, in dependency order. */
export const PUBLIC_PACKAGES = ['db', 'settings', 'queue', 'dedicated-runner', 'worker', 'server', 'cli'];

const run = promisify(execFile);

export interface Output {
  stdout: string;
  stderr: string;
}

/** Runs a command; on failure the error carries both streams, so a failed step says why. */
export async function exec(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Output> {
  try {
    return await run(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as Error & Partial<Output>;
    throw new Error(`${file} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

export interface ConsumerProject {
  dir: string;
  /** tarball file name by package directory name */
  tarballs: Map<string, string>;
  tarballDir: string;
}

/**
 * Packs the built packages (`--ignore-scripts`: the build ran before the tests) and installs them
 * with `--engine-strict` into a fresh project; @types/node is the only other package it asks for.
 */
export async function createConsumerProject(): Promise<ConsumerProject> {
  const root = mkdtempSync(join(tmpdir(), 'millrace-consumer-'));
  const tarballDir = join(root, 'tarballs');
  const dir = join(root, 'app');
  mkdirSync(tarballDir);
  mkdirSync(dir);
  const workspaces = PUBLIC_PACKAGES.flatMap((p) => ['-w', `@millrace/${p}`]);
  await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', tarballDir, ...workspaces], {
    cwd: REPO,
  });
  const tarballs = new Map<string, string>();
  for (const file of readdirSync(tarballDir)) {
    const name = PUBLIC_PACKAGES.find((p) => file === `millrace-${p}-0.1.0.tgz`);
    if (name) tarballs.set(name, file);
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  const typesNode = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).devDependencies[
    '@types/node'
  ];
  await exec(
    'npm',
    [
      'install',
      '--engine-strict',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      ...[...tarballs.values()].map((f) => join(tarballDir, f)),
      `@types/node@${typesNode}`,
    ],
    { cwd: dir, timeoutMs: 300_000 },
  );
  return { dir, tarballs, tarballDir };
}

/** The `ts` code blocks of a Markdown file (not `ts fragment` ones), with the line each starts on. */
export function typescriptBlocks(markdown: string): { code: string; line: number }[] {
  const blocks: { code: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1]?.trim() !== '```') i++;
    blocks.push({ code: lines.slice(start, i + 1).join('\n'), line: start + 1 });
    i++;
  }
  return blocks;
}
