import { startServer } from '@millrace/server';
import { type DbFlags, describeDb, openCommandDb } from '../database';
import type { Io } from '../io';

export interface ServerFlags extends DbFlags {
  host?: string;
  port?: number;
  token?: string;
  uiDir?: string;
  retention?: number;
}

/** `millrace server`: the HTTP API and UI, no worker. A token is required off loopback. */
export async function serverCommand(flags: ServerFlags, io: Io): Promise<void> {
  const db = await openCommandDb(flags, io);
  try {
    const server = await startServer({
      db,
      host: flags.host ?? '127.0.0.1',
      port: flags.port ?? 8787,
      token: flags.token ?? (io.env.MILLRACE_TOKEN || undefined),
      uiDir: flags.uiDir,
      retentionMs: flags.retention,
    });
    io.out(`database: ${describeDb(flags, io)}`);
    io.out(
      `Millrace server at ${server.url}${flags.token || io.env.MILLRACE_TOKEN ? ' (bearer token required)' : ''}`,
    );
    await io.untilStopped();
    await server.close();
  } finally {
    await db.close();
  }
}
