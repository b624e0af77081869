import { History, Queue, Scheduler } from '@millrace/queue';
import type { FastifyInstance } from 'fastify';
import { createServer } from './create-server';
import { DEFAULT_HOST, DEFAULT_PORT, type ServerOptions } from './options';

export interface RunningServer {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  /** the fastify instance, listening (e.g. `app.logStreamStats()`) */
  app: FastifyInstance;
  /** stops listening, ends open log streams; the db stays open (it is the caller's) */
  close(): Promise<void>;
}

/**
 * Creates the server and listens on `host:port` (refusing a non-loopback host without a token).
 * It also keeps history bounded (docs/history.md) unless `maintainHistory` is false, and fires
 * schedules (docs/schedules.md) unless `runSchedules` is false.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const queue =
    options.queue ?? new Queue(options.db, { settings: options.settings, retentionMs: options.retentionMs });
  const app = await createServer({ ...options, queue, host });
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  } catch (err) {
    await app.close();
    throw err;
  }
  const history =
    options.retentionMs === undefined || options.retentionMs === queue.history.retentionMs
      ? queue.history
      : new History(options.db, { retentionMs: options.retentionMs });
  const stopHistory =
    options.maintainHistory === false
      ? null
      : history.start({ onError: (err) => console.error('[millrace history]', err) });
  const scheduler =
    options.runSchedules === false
      ? null
      : await new Scheduler(queue, { onError: (err) => console.error('[millrace scheduler]', err) }).start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    app,
    async close() {
      await stopHistory?.();
      await scheduler?.stop();
      await app.close();
    },
  };
}
