import { randomBytes } from 'node:crypto';
import { Queue } from '@millrace/queue';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from './auth';
import type { ServerContext } from './context';
import { registerCrossSiteCheck } from './cross-site';
import { registerHostCheck } from './host-check';
import { sendError } from './http-errors';
import { ServerMetrics } from './metrics';
import { DEFAULT_BODY_LIMIT, resolveAllowedHosts, resolveToken, type ServerOptions } from './options';
import { registerHealthRoute } from './routes/health';
import { registerLogStreamRoute } from './routes/job-logs-stream';
import { registerJobRoutes } from './routes/jobs';
import { registerOverviewRoutes } from './routes/overview';
import { registerRunRoutes } from './routes/run';
import { registerScheduleRoutes } from './routes/schedules';
import { registerScriptRoutes } from './routes/scripts';
import { registerTimelineRoutes } from './routes/timeline';
import { registerWorkerGroupRoutes } from './routes/worker-groups';
import { registerWorkerRoutes } from './routes/workers';
import { registerSecurityHeaders } from './security-headers';
import { registerStaticUi } from './static-ui';
import { findUiDir } from './ui-dir';

/**
 * The HTTP API of docs/http-api.md over the core packages, plus the UI's static build. Not
 * listening: tests use `app.inject`, `startServer` listens. Closing the app does not close `db`.
 * Access (docs/security.md): every route needs the token unless its config says `public`; the
 * guards run on the route the router matched, in this order: Host, cross-site, token.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const token = resolveToken(options);
  const allowedHosts = resolveAllowedHosts(options);
  const queue = options.queue ?? new Queue(options.db, { settings: options.settings });
  const ctx: ServerContext = { db: options.db, queue, settings: options.settings ?? queue.settings };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // SSE streams would otherwise hold close() open; they are ended in preClose anyway
    forceCloseConnections: true,
    // unguessable and unique across restarts: the id a logged 5xx and its response share
    genReqId: () => randomBytes(8).toString('hex'),
  });
  if (options.onInternalError) app.decorate('reportInternalError', options.onInternalError);

  // JSON bodies: an empty body is "no body" (POST /api/run/<path> with nothing means `{}`).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      const error = err as Error & { statusCode?: number };
      error.statusCode = 400;
      error.message = `body is not valid JSON: ${error.message}`;
      done(error, undefined);
    }
  });

  app.setErrorHandler((err, request, reply) => sendError(reply, err, request));
  registerSecurityHeaders(app);
  registerHostCheck(app, { allowedHosts, token });
  registerCrossSiteCheck(app, allowedHosts ?? []);
  registerAuth(app, token, options.authFailures);
  registerHealthRoute(app, ctx);
  registerScriptRoutes(app, ctx);
  registerWorkerGroupRoutes(app, ctx);
  registerWorkerRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerLogStreamRoute(app, ctx, {
    pollMs: options.logPollMs,
    maxStreams: options.maxLogStreams,
    maxPerJob: options.maxLogStreamsPerJob,
  });
  registerRunRoutes(app, ctx);
  registerOverviewRoutes(app, ctx);
  registerTimelineRoutes(app, ctx);
  registerScheduleRoutes(app, ctx);

  const metrics = new ServerMetrics(queue, { defaultMetrics: options.defaultMetrics });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.render();
    return reply.type(metrics.contentType).send(text);
  });

  await registerStaticUi(app, options.uiDir === undefined ? findUiDir() : options.uiDir);
  return app;
}
