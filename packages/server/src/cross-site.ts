import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPublic } from './auth';
import { HttpError } from './errors';
import { listedHost } from './host-check';
import { sendError } from './http-errors';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
// What a browser sends for a request its own page made, or one the user typed (`none`).
const OWN_SITE = new Set(['same-origin', 'none']);

/** `application/json`, with or without parameters (`; charset=utf-8`). */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** Why a request comes from another site, or undefined when nothing says so. */
function foreignOrigin(request: FastifyRequest, allowedHosts: readonly string[]): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && !OWN_SITE.has(site)) return `Sec-Fetch-Site: ${site}`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host; // "null" (sandboxed frames, file://) does not parse
  } catch {
    return `Origin: ${origin}`;
  }
  // exactly this server's own host or a listed one; not "any loopback name" as the Host check
  // allows: another app on localhost:3000 is another site
  if (host === (request.headers.host ?? '').toLowerCase() || listedHost(host, allowedHosts)) return undefined;
  return `Origin: ${origin}`;
}

/**
 * CSRF: a page on another site can make a browser send simple requests (no custom header, a
 * form or text/plain body) with no CORS check. Every write must therefore carry
 * `Content-Type: application/json`, which a cross-site page cannot send without a preflight this
 * server never grants; and any request to a protected route that says it comes from another site
 * (`Sec-Fetch-Site`, `Origin`) is refused outright.
 */
export function registerCrossSiteCheck(app: FastifyInstance, allowedHosts: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const foreign = foreignOrigin(request, allowedHosts);
    if (foreign) {
      return sendError(
        reply,
        new HttpError('cross_site_request', `refused a request from another site (${foreign})`),
      );
    }
    if (!READS.has(request.method) && !isJson(request.headers['content-type'])) {
      return sendError(
        reply,
        new HttpError(
          'json_required',
          'every write needs Content-Type: application/json (an empty body is fine)',
        ),
      );
    }
  });
}
