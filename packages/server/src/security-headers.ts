import type { FastifyInstance } from 'fastify';

/**
 * Headers on every response. The UI must never render inside another site's frame (clickjacking
 * of Re-run / Cancel), run script it did not ship, or have a response sniffed into another type.
 * `style-src 'unsafe-inline'` because the not-built page and chart libraries set inline styles;
 * scripts stay 'self' only (the UI's build has no inline script).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Adds SECURITY_HEADERS and `X-Request-Id` (the id a logged 5xx carries) to every response. */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('X-Request-Id', request.id);
  });
}
