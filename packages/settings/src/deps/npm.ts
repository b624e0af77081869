import { spawn } from 'node:child_process';
import {
  DependencyBuildError,
  type DependencyError,
  DependencyNotFoundError,
  DependencyTimeoutError,
  DependencyVersionNotFoundError,
  RegistryUnreachableError,
} from '../errors';

/**
 * Runs the npm CLI of the deploying process, so the registry, auth, proxy and CA come from its
 * normal npm configuration (user and global `.npmrc`, `npm_config_*` env). Install scripts never
 * run (`--ignore-scripts`): a deploy must not execute a package's code on the deploying host.
 */
export interface NpmOptions {
  /** npm executable (default `npm` on PATH) */
  command: string;
  /** extra `npm_config_*` settings, e.g. `{ registry: 'https://…' }`, over the process's own */
  config: Record<string, string>;
  /** the whole deploy's deadline (epoch ms) */
  deadline: number;
  /** the packages being resolved: named when npm's error names none */
  packages: readonly string[];
}

const COMMON_ARGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--json', '--loglevel=error'];

/**
 * Settings a host started by `npm run -w …` or `npm exec` inherits that would point the install
 * somewhere else than the temp dir (a workspace, the global prefix): never passed on.
 */
const RETARGETING = [
  'workspace',
  'workspaces',
  'include_workspace_root',
  'global',
  'location',
  'local_prefix',
];

export async function runNpm(args: readonly string[], cwd: string, options: NpmOptions): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    const setting = /^npm_config_(.+)$/i.exec(key)?.[1].toLowerCase().replaceAll('-', '_');
    if (setting && RETARGETING.includes(setting)) delete env[key];
  }
  for (const [key, value] of Object.entries(options.config)) env[`npm_config_${key}`] = value;
  const remaining = options.deadline - Date.now();
  const everyone = options.packages.join(', ');
  if (remaining <= 0) throw new DependencyTimeoutError(everyone, 'deploy timed out before npm ran');
  const child = spawn(options.command, [...args, ...COMMON_ARGS], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, remaining);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) =>
      reject(
        new DependencyBuildError(everyone, `cannot run ${options.command}: ${err.message}`, { cause: err }),
      ),
    );
    child.once('close', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  if (timedOut)
    throw new DependencyTimeoutError(everyone, `npm ${args[0]} did not finish within the deploy timeout`);
  if (exitCode !== 0) throw npmError(stdout, stderr, options.packages);
}

interface NpmJsonError {
  code?: string;
  summary?: string;
  detail?: string;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ESOCKETTIMEDOUT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
]);

/** Turns npm's `--json` error (`{ error: { code, summary, detail } }`) into a typed error. */
export function npmError(stdout: string, stderr: string, packages: readonly string[]): DependencyError {
  const error = parseJsonError(stdout);
  const summary = (error.summary ?? lastErrorLine(stderr) ?? 'npm failed').trim();
  const code = error.code ?? '';
  const named = packageIn(summary) ?? packages.join(', ');
  if (code === 'E404') return new DependencyNotFoundError(named, `not found in the registry (${summary})`);
  if (code === 'ETARGET') return new DependencyVersionNotFoundError(named, summary);
  if (UNREACHABLE.has(code) || /^FetchError|request to .* failed/.test(summary))
    return new RegistryUnreachableError(named, `registry unreachable (${summary})`);
  return new DependencyBuildError(named, `npm failed${code ? ` with ${code}` : ''}: ${summary}`);
}

function parseJsonError(stdout: string): NpmJsonError {
  // npm may print more than one JSON document; the error object is the last one.
  const start = stdout.lastIndexOf('{\n  "error"');
  try {
    return (JSON.parse(stdout.slice(Math.max(start, 0))) as { error?: NpmJsonError }).error ?? {};
  } catch {
    return {};
  }
}

function lastErrorLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('npm error') && !l.includes('complete log'))
    .pop()
    ?.replace(/^npm error\s*/, '');
}

/**
 * The package npm's message is about: `GET https://registry/<name>` (E404, fetch errors, scoped
 * names as `@scope%2fname`) or `for <name>@<version>` (ETARGET, EBADPLATFORM).
 */
function packageIn(summary: string): string | undefined {
  const forSpec = /\bfor ((?:@[^@\s/]+\/)?[^@\s/]+)@/.exec(summary);
  if (forSpec) return forSpec[1];
  const url = /https?:\/\/\S+?\/((?:@[^/\s]+(?:%2f|\/))?[^/\s@]+?)(?:\/-\/\S*)?(?:\s|,|$)/i.exec(summary);
  return url ? decodeURIComponent(url[1]) : undefined;
}
