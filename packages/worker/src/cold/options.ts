// Options of createColdExecutor, checked once here with their defaults.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidColdExecutorOptionsError } from './errors';

export interface ColdExecutorOptions {
  /** jobs running at once; more `run` calls wait their turn */
  concurrency: number;
  /**
   * processes kept started and waiting for a job, to hide node's start-up time (each is still used
   * once). Default: one per slot plus one, so that back-to-back short jobs find a booted process
   * while the next one boots (bench/results/cold-start.md).
   */
  spares?: number;
  /**
   * more spares kept, up to this many, while jobs keep finding none booted (short jobs back to
   * back, a busy machine). Default: `spares` + 2 (each idle spare is a node process, ~40 MB)
   */
  maxSpares?: number;
  /**
   * false: start each job's process only when the job arrives (no spares); for comparison.
   * 'after-first-job': no spares until a first job has come, then as usual — for a worker whose
   * jobs may all go elsewhere (in-host handlers), where booting spares at start only takes CPU.
   * Default true: spares from the start.
   */
  prestart?: boolean | 'after-first-job';
  /** the env spares are started with: the worker group's env. Jobs with another env get a fresh process. */
  env?: Record<string, string>;
  /** where script versions are written, one file per content hash. Default: `<os tmp>/millrace-scripts` */
  cacheDir?: string;
  /** largest result, as JSON, in bytes. Default 10 MiB */
  maxResultBytes?: number;
  /** log bytes kept per job; the rest is dropped with one note. Default 5 MiB */
  maxLogBytes?: number;
  /** time between SIGTERM and SIGKILL when a job is stopped. Default 2000 ms */
  killGraceMs?: number;
  /** the node binary. Default: the one running the host */
  nodePath?: string;
  /**
   * cap on each job process's writable memory (RLIMIT_DATA: heap, buffers, native allocations),
   * in MiB. Default 1024, as a worker group's
   */
  memoryLimitMb?: number;
  /** timeout of a job whose own `timeoutMs` is null. Default 900000 (15 min), as a worker group's */
  defaultTimeoutMs?: number;
  /** run job processes as this uid/gid (the host must run as root); default: the host's user */
  runAs?: { uid: number; gid: number };
}

export interface ResolvedColdOptions {
  concurrency: number;
  spares: { min: number; max: number };
  /** spares are first started when the first job is taken, not at start */
  sparesAfterFirstJob: boolean;
  env: Record<string, string>;
  cacheDir: string;
  maxResultBytes: number;
  maxLogBytes: number;
  killGraceMs: number;
  nodePath: string;
  memoryLimitMb: number;
  defaultTimeoutMs: number;
  runAs?: { uid: number; gid: number };
}

export function resolveColdOptions(options: ColdExecutorOptions): ResolvedColdOptions {
  const concurrency = count('concurrency', options.concurrency, 1);
  return {
    concurrency,
    spares: spareCounts(options, concurrency),
    sparesAfterFirstJob: options.prestart === 'after-first-job',
    env: { ...(options.env ?? {}) },
    cacheDir: options.cacheDir ?? join(tmpdir(), 'millrace-scripts'),
    maxResultBytes: count('maxResultBytes', options.maxResultBytes ?? 10 * 1024 * 1024, 1),
    maxLogBytes: count('maxLogBytes', options.maxLogBytes ?? 5 * 1024 * 1024, 1),
    killGraceMs: count('killGraceMs', options.killGraceMs ?? 2000, 0),
    nodePath: options.nodePath ?? process.execPath,
    memoryLimitMb: count('memoryLimitMb', options.memoryLimitMb ?? 1024, 64),
    defaultTimeoutMs: count('defaultTimeoutMs', options.defaultTimeoutMs ?? 900_000, 1),
    runAs: checkRunAs(options.runAs),
  };
}

function spareCounts(options: ColdExecutorOptions, concurrency: number): { min: number; max: number } {
  if (options.prestart === false) return { min: 0, max: 0 };
  if (options.prestart !== undefined && options.prestart !== true && options.prestart !== 'after-first-job') {
    throw new InvalidColdExecutorOptionsError(
      `prestart must be true, false or 'after-first-job', got ${String(options.prestart)}`,
    );
  }
  const min = count('spares', options.spares ?? concurrency + 1, 0);
  const max = count('maxSpares', options.maxSpares ?? min + 2, 0);
  if (max < min) throw new InvalidColdExecutorOptionsError(`maxSpares (${max}) must be >= spares (${min})`);
  return { min, max };
}

function count(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidColdExecutorOptionsError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function checkRunAs(runAs: ColdExecutorOptions['runAs']): ResolvedColdOptions['runAs'] {
  if (runAs === undefined) return undefined;
  count('runAs.uid', runAs.uid, 1);
  count('runAs.gid', runAs.gid, 1);
  if (process.getuid?.() !== 0) {
    throw new InvalidColdExecutorOptionsError('runAs needs a worker running as root');
  }
  return { uid: runAs.uid, gid: runAs.gid };
}
