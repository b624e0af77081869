import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';
import { sendError } from './http-errors';
import { isLoopback } from './options';

/** `example.com:8787` → name `example.com`, port `8787`; `[::1]:80` → `[::1]`, `80`. Lower-cased. */
export function splitHost(header: string): { name: string; port: string | undefined } {
  const host = header.trim().toLowerCase();
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : 0;
  const colon = host.indexOf(':', end);
  if (colon < 0) return { name: host, port: undefined };
  return { name: host.slice(0, colon), port: host.slice(colon + 1) };
}

/** Whether `host` is on the allow-list: the same name, and the same port when the entry has one. */
export function listedHost(host: string, allowed: readonly string[]): boolean {
  const { name, port } = splitHost(host);
  return allowed.some((entry) => {
    const e = splitHost(entry);
    return e.name === name && (e.port === undefined || e.port === port);
  });
}

/** Whether a `Host` header names this server: a loopback name (any port), or one on the list. */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (!header) return false;
  return isLoopback(splitHost(header).name) || listedHost(header, allowed);
}

/**
 * DNS rebinding: a page on a name the attacker controls, re-pointed at 127.0.0.1, would talk to a
 * tokenless server as its own origin. Browsers always send the name they resolved as `Host`, so
 * answering only the names the server is known by (loopback, or the allow-list) stops it. With a
 * token and no allow-list every Host is answered: the page cannot know the token.
 */
export function registerHostCheck(
  app: FastifyInstance,
  { allowedHosts, token }: { allowedHosts: string[] | undefined; token: string | undefined },
): void {
  if (token !== undefined && allowedHosts === undefined) return;
  const allowed = allowedHosts ?? [];
  app.addHook('onRequest', async (request, reply) => {
    if (hostAllowed(request.headers.host, allowed)) return;
    return sendError(
      reply,
      new HttpError(
        'host_not_allowed',
        `this server does not answer for host ${JSON.stringify(request.headers.host ?? '')}; ` +
          'add it with --allowed-host (or set a token) to serve it',
      ),
    );
  });
}
