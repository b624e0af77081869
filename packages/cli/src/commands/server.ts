import { startServer } from '@millrace/server';
import { type DbFlags, describeDb, openCommandDb } from '../database';
import type { Io } from '../io';
import { printInternalErrors, serverToken, type TokenFlags } from '../server-access';

export interface ServerFlags extends DbFlags, TokenFlags {
  host?: string;
  port?: number;
  /** Host names to answer besides loopback (--allowed-host, repeatable) */
  allowedHost?: string[];
  uiDir?: string;
  retention?: number;
}

/** `millrace server`: the HTTP API and UI, no worker. A token is required off loopback. */
export async function serverCommand(flags: ServerFlags, io: Io): Promise<void> {
  const token = serverToken(flags, io);
  const db = await openCommandDb(flags, io);
  try {
    const server = await startServer({
      db,
      host: flags.host ?? '127.0.0.1',
      port: flags.port ?? 8787,
      token,
      allowedHosts: flags.allowedHost,
      uiDir: flags.uiDir,
      onInternalError: printInternalErrors(io),
      retentionMs: flags.retention,
    });
    io.out(`database: ${describeDb(flags, io)}`);
    io.out(`Millrace server at ${server.url}${token ? ' (bearer token required)' : ''}`);
    await io.untilStopped();
    await server.close();
  } finally {
    await db.close();
  }
}
