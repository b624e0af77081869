import { request as httpRequest } from 'node:http';
import type { Queue } from '@millrace/queue';
import type { Settings } from '@millrace/settings';
import type { DriverName, TestDb } from '@millrace/testing';
import type { ServerOptions } from './options';
import { type RunningServer, startServer } from './start-server';
import { openServerParts } from './test-support';

/** A fresh database and the real server listening on a loopback port (the security suites). */
export interface ListeningFixture extends TestDb {
  settings: Settings;
  queue: Queue;
  server: RunningServer;
  port: number;
  close(): Promise<void>;
}

export async function openListeningFixture(
  driver: DriverName,
  options: Partial<ServerOptions> = {},
): Promise<ListeningFixture> {
  const { t, settings, queue, serverOptions } = await openServerParts(driver, options);
  const server = await startServer({ port: 0, ...serverOptions });
  return {
    ...t,
    settings,
    queue,
    server,
    port: server.port,
    async close() {
      await server.close();
      await t.drop();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request over a real socket with the path exactly as given (no URL normalisation, so
 * percent-encodings reach the server as an attacker sends them) and exactly these headers
 * (`Host` defaults to 127.0.0.1:port; no Content-Type unless given).
 */
export function rawRequest(
  port: number,
  {
    method = 'GET',
    path,
    headers = {},
    body,
    localAddress,
  }: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    localAddress?: string;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress,
        headers: { host: `127.0.0.1:${port}`, ...headers, ...(body ? {} : { 'content-length': '0' }) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function errorCode(res: RawResponse): string | undefined {
  try {
    return (JSON.parse(res.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Rows in every Millrace table: a refused request must not change any of them. */
export async function tableSnapshot(db: TestDb['db']): Promise<string> {
  const { rows } = await db.query(`
    SELECT (SELECT count(*) FROM millrace.jobs) AS jobs, (SELECT count(*) FROM millrace.job_queue) AS queue,
           (SELECT md5(coalesce(string_agg(row(j.*)::text, ',' ORDER BY id), '')) FROM millrace.jobs j) AS job_rows,
           (SELECT md5(coalesce(string_agg(row(q.*)::text, ',' ORDER BY id), '')) FROM millrace.job_queue q) AS queue_rows,
           (SELECT count(*) FROM millrace.scripts) AS scripts, (SELECT count(*) FROM millrace.script_versions) AS versions,
           (SELECT md5(coalesce(string_agg(row(s.*)::text, ',' ORDER BY path), '')) FROM millrace.scripts s) AS script_rows,
           (SELECT md5(coalesce(string_agg(row(g.*)::text, ',' ORDER BY name), '')) FROM millrace.worker_groups g) AS group_rows`);
  return JSON.stringify(rows[0]);
}
