import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors';
import { sendError } from './http-errors';

// Routes a client may call without the token: the probe the UI starts with, and the health check.
const OPEN_ROUTES = new Set(['/api/health', '/api/auth']);

/**
 * Compares in constant time. Both sides are hashed first so the buffers always have equal length
 * (timingSafeEqual throws otherwise) and the token's length does not leak through timing either.
 */
export function tokenMatches(expected: string, header: string | undefined): boolean {
  if (!header) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(match[1]).digest();
  return timingSafeEqual(a, b);
}

function needsToken(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  if (OPEN_ROUTES.has(path)) return false;
  return path === '/api' || path.startsWith('/api/') || path === '/metrics' || path.startsWith('/metrics?');
}

/** Bearer auth on /api/* and /metrics when a token is configured; `GET /api/auth` reports the state. */
export function registerAuth(app: FastifyInstance, token: string | undefined): void {
  app.get('/api/auth', async (request) => ({
    required: token !== undefined,
    ok: token === undefined || tokenMatches(token, request.headers.authorization),
  }));
  if (token === undefined) return;
  app.addHook('onRequest', async (request, reply) => {
    if (!needsToken(request) || tokenMatches(token, request.headers.authorization)) return;
    reply.header('WWW-Authenticate', 'Bearer');
    return sendError(
      reply,
      new HttpError(401, 'UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer <token>)'),
    );
  });
}
