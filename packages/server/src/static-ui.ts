import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';
import { sendError } from './http-errors';

const NOT_BUILT_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Millrace</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Millrace</h1>
<p>The API is running, but the web UI is not built.</p>
<p>Build it with <code>cd packages/ui &amp;&amp; npx vite build</code> (or set <code>MILLRACE_UI_DIR</code>) and restart.</p>
</body></html>
`;

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');

/**
 * The UI's static build at `/`: index.html never cached, content-hashed `/assets/*` cached forever.
 * One public route per file of the build (read at start-up, no wildcard): every other URL stays
 * behind the token. Unknown GETs that accept HTML get index.html (a safety net, the UI routes with
 * `#/`); unknown /api routes get the JSON 404 and never HTML.
 */
export async function registerStaticUi(app: FastifyInstance, uiDir: string | null): Promise<void> {
  const built = uiDir !== null && existsSync(join(uiDir, 'index.html'));
  // one context for the UI's routes, its sendFile and the 404 handler that uses it
  await app.register(async (ui) => {
    ui.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    if (built) {
      await ui.register(fastifyStatic, {
        root: uiDir,
        prefix: '/',
        wildcard: false,
        cacheControl: false,
        // @fastify/static 9 (kept for Node 20: 10 pulls content-disposition 3, Node >= 22) hands the raw response
        setHeaders(res, path) {
          if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
          else if (path.includes('/assets/'))
            res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        },
      });
    } else {
      ui.get('/', async (_request, reply) => notBuilt(reply));
    }

    ui.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0];
      const wantsHtml = (request.headers.accept ?? '').includes('text/html');
      const page = request.method === 'GET' || request.method === 'HEAD';
      if (page && wantsHtml && !isApi(decoded(path)) && decoded(path) !== '/metrics') {
        if (!built) return notBuilt(reply);
        reply.header('Cache-Control', 'no-cache');
        return reply.sendFile('index.html');
      }
      return sendError(reply, new HttpError('not_found', `no route ${request.method} ${path}`));
    });
  });
}

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function notBuilt(reply: FastifyReply) {
  return reply
    .status(200)
    .header('Cache-Control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(NOT_BUILT_PAGE);
}
