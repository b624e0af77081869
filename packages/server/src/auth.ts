import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuthFailureLimits, clientKey, FailedAuthLimiter } from './auth-limiter';
import { HttpError } from './errors';
import { sendError } from './http-errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route answers without the token (health, the auth probe, the UI's files); default false */
    public?: boolean;
  }
}

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

/**
 * Whether the request may go without the token, decided on the route the router matched (so on
 * the decoded path, whatever its spelling in the URL): only routes marked `public`, and the UI's
 * index.html fallback for unknown pages. Everything else needs it, routes added later included.
 */
export function isPublic(request: FastifyRequest): boolean {
  if (request.routeOptions.config.public === true) return true;
  const page = request.method === 'GET' || request.method === 'HEAD';
  return request.is404 && page && (request.headers.accept ?? '').includes('text/html');
}

type Verdict = 'ok' | 'missing' | 'wrong' | 'locked';

/** Bearer auth on every non-public route when a token is configured; `GET /api/auth` reports the state. */
export function registerAuth(
  app: FastifyInstance,
  token: string | undefined,
  limits?: AuthFailureLimits,
): void {
  const limiter = new FailedAuthLimiter(limits);
  const verdict = (request: FastifyRequest): Verdict => {
    if (token === undefined) return 'ok';
    const header = request.headers.authorization;
    if (header === undefined) return 'missing';
    const client = clientKey(request.ip);
    // while locked out nothing is checked: a right guess must look exactly like a wrong one
    if (limiter.retryAfter(client) > 0) return 'locked';
    if (tokenMatches(token, header)) return 'ok';
    limiter.fail(client);
    return 'wrong';
  };
  const refuse = (request: FastifyRequest, reply: FastifyReply, v: Verdict) => {
    if (v === 'locked') {
      reply.header('Retry-After', String(limiter.retryAfter(clientKey(request.ip))));
      return sendError(
        reply,
        new HttpError('too_many_requests', 'too many wrong tokens from this client; try again later'),
      );
    }
    reply.header('WWW-Authenticate', 'Bearer');
    return sendError(
      reply,
      new HttpError('unauthorized', 'missing or wrong bearer token (Authorization: Bearer <token>)'),
    );
  };

  app.get('/api/auth', { config: { public: true } }, async (request, reply) => {
    const v = verdict(request);
    if (v === 'locked') return refuse(request, reply, v);
    return { required: token !== undefined, ok: v === 'ok' };
  });
  if (token === undefined) return;
  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const v = verdict(request);
    if (v !== 'ok') return refuse(request, reply, v);
  });
}
