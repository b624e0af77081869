import type { Db } from '@millrace/db';
import type { Queue } from '@millrace/queue';
import type { Settings } from '@millrace/settings';
import { ServerConfigError } from './errors';

export interface ServerOptions {
  db: Db;
  /** shared Queue (default: a new one over `db` and `settings`) */
  queue?: Queue;
  settings?: Settings;
  /** bearer token required on /api and /metrics (default: MILLRACE_TOKEN; none = no auth) */
  token?: string;
  /** where startServer listens (default 127.0.0.1); without a token it must be loopback */
  host?: string;
  /** default 8787; 0 picks a free port */
  port?: number;
  /** the UI's static build (default: MILLRACE_UI_DIR, else the build shipped in dist/ui) */
  uiDir?: string | null;
  /**
   * Allow running without a token on a loopback host (dev mode). Default true; false makes a
   * token mandatory everywhere.
   */
  devLoopback?: boolean;
  /** request body limit in bytes (default 5 MiB) */
  bodyLimit?: number;
  /** poll interval of the SSE log stream while a job runs (default 150 ms) */
  logPollMs?: number;
  /** fastify's logger (default off) */
  logger?: boolean;
  /** prom-client default process metrics on /metrics (default true) */
  defaultMetrics?: boolean;
  /**
   * Host names (with or without `:port`) the server answers besides the loopback ones. Without a
   * token and without this list only `127.0.0.1`, `localhost` and `[::1]` are answered (DNS
   * rebinding); with a token and no list, any Host is.
   */
  allowedHosts?: string[];
  /** open log streams at most, server-wide (default 256) and per job (default 32); beyond: 429 */
  maxLogStreams?: number;
  maxLogStreamsPerJob?: number;
  /** failed token attempts one client may make per window before 429 (default 10 per 60 s) */
  authFailures?: { max: number; windowMs: number };
  /** called for every 5xx the server answers because of a bug or the database (not job_failed) */
  onInternalError?: (report: InternalErrorReport) => void;
  /**
   * startServer: finished jobs older than this are removed (default: the queue's, 30 days; 0 = keep
   * forever). The server runs the history maintenance unless `maintainHistory` is false.
   */
  retentionMs?: number;
  /** startServer: run the history maintenance (id ranges, retention) in this process (default true) */
  maintainHistory?: boolean;
  /** startServer: run a scheduler loop (due schedules, failure handler jobs; docs/schedules.md) (default true) */
  runSchedules?: boolean;
}

export interface InternalErrorReport {
  /** also sent to the client as the `X-Request-Id` header */
  requestId: string;
  method: string;
  url: string;
  status: number;
  error: unknown;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Refuses an allowed-hosts list whose entries could never match a Host header. */
export function resolveAllowedHosts(options: ServerOptions): string[] | undefined {
  const hosts = options.allowedHosts?.map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (!hosts?.length) return undefined;
  for (const h of hosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(h)) {
      throw new ServerConfigError(`allowed host ${JSON.stringify(h)} is not a host name or host:port`);
    }
  }
  return hosts;
}

/** The token in effect; refuses the combinations that would expose an unauthenticated API. */
export function resolveToken(
  options: ServerOptions,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const token = options.token ?? (env.MILLRACE_TOKEN || undefined);
  if (token !== undefined && token.length < 8) {
    throw new ServerConfigError('the token must be at least 8 characters');
  }
  const host = options.host ?? DEFAULT_HOST;
  if (token === undefined && options.devLoopback === false) {
    throw new ServerConfigError('a token is required: set MILLRACE_TOKEN or pass --token');
  }
  if (token === undefined && !isLoopback(host)) {
    throw new ServerConfigError(
      `refusing to serve on ${host} without a token: anyone who can reach it could run code. ` +
        'Set MILLRACE_TOKEN (or --token), or bind to 127.0.0.1 for local development.',
    );
  }
  return token;
}
