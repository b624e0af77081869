import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { HttpError } from '../errors';
import { jobIdParam } from '../job-id';
import { DEFAULT_LOG_FEED_LIMITS, type LogFeedLimits, LogFeeds, type LogStreamStats } from '../log-feeds';
import { chunkPosition, MAX_STREAM_SEQ } from '../log-seq';
import { parse, streamQuery } from '../schemas';

declare module 'fastify' {
  interface FastifyInstance {
    /** open log streams now (tests, debugging) */
    logStreamStats(): LogStreamStats;
  }
}

/** `Last-Event-ID` as a stream seq: the same range as `?after`, else 400. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header[0] : header;
  if (!/^\d{1,16}$/.test(text.trim()) || Number(text) > MAX_STREAM_SEQ) {
    throw new HttpError('validation', `invalid Last-Event-ID (an integer 0-${MAX_STREAM_SEQ})`);
  }
  return Number(text);
}

/**
 * `GET /api/jobs/:id/logs/stream` (SSE): stored chunks, then new ones, then `end` with the status.
 * The streams of one job share one poll (job-log-feed.ts); at most `maxStreams` are open, and
 * `maxPerJob` on one job, beyond which a new one gets 429. `close()` ends every open stream.
 */
export function registerLogStreamRoute(
  app: FastifyInstance,
  { queue }: ServerContext,
  limits: Partial<LogFeedLimits> = {},
): void {
  // an option left undefined keeps its default (a spread would overwrite it with undefined)
  const given = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
  const feeds = new LogFeeds(queue, { ...DEFAULT_LOG_FEED_LIMITS, ...given }, (err) =>
    app.log.error({ err }, 'log stream failed'),
  );
  app.decorate('logStreamStats', () => feeds.stats());
  app.addHook('preClose', async () => feeds.closeAll());

  app.get<{ Params: { id: string } }>('/api/jobs/:id/logs/stream', async (request, reply) => {
    const id = jobIdParam(request.params.id);
    const { after } = parse(streamQuery, request.query, 'query');
    const resumeFrom = lastEventId(request.headers['last-event-id']) ?? after ?? 0;
    await queue.get(id); // 404 job_not_found as JSON, before the stream opens
    const refused = feeds.refusal(id);
    if (refused) {
      reply.header('Retry-After', '5');
      throw new HttpError('too_many_streams', `${refused}; try again later`);
    }

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    feeds.open(id, res, chunkPosition(resumeFrom));
  });
}
