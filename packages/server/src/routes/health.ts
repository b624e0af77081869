import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { SERVER_VERSION } from '../version';

const HEALTH_TIMEOUT_MS = 2_000;

/** `GET /api/health`, open without a token: whether the database answers. Nothing secret in it. */
export function registerHealthRoute(app: FastifyInstance, { db }: ServerContext): void {
  app.get('/api/health', { config: { public: true } }, async (_request, reply) => {
    const base = { version: SERVER_VERSION, db: db.driver };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), HEALTH_TIMEOUT_MS);
        }),
      ]);
      return { ok: true, ...base };
    } catch {
      return reply.status(503).send({ ok: false, ...base, error: 'the database does not answer' });
    } finally {
      clearTimeout(timer);
    }
  });
}
