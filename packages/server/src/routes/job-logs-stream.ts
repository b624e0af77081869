import type { LogChunk } from '@millrace/queue';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { chunkPosition, streamSeq } from '../log-seq';
import { parse, streamQuery } from '../schemas';

const FINISHED = new Set(['success', 'failure', 'canceled']);
const PING_MS = 15_000;
const CHUNKS_PER_READ = 1000;

export interface LogStreamOptions {
  /** how often a running job's new chunks are looked for (default 150 ms) */
  pollMs?: number;
}

/**
 * `GET /api/jobs/:id/logs/stream` (SSE): stored chunks, then new ones, then `end` with the status.
 * Polls while the job runs. Each stream holds at most one timer and one ping interval, both cleared
 * when the client goes away or the server closes (`preClose` ends every open stream).
 */
export function registerLogStreamRoute(
  app: FastifyInstance,
  { queue }: ServerContext,
  { pollMs = 150 }: LogStreamOptions = {},
): void {
  const open = new Set<() => void>();
  // how many streams hold timers now: for leak checks in tests and for debugging
  app.decorate('openLogStreams', () => open.size);
  app.addHook('preClose', async () => {
    for (const stop of open) stop();
  });

  app.get<{ Params: { id: string } }>('/api/jobs/:id/logs/stream', async (request, reply) => {
    const { id } = request.params;
    const { after } = parse(streamQuery, request.query, 'query');
    await queue.get(id); // 404 JOB_NOT_FOUND as JSON, before the stream opens
    const lastEventId = Number(request.headers['last-event-id']);
    let position = chunkPosition(Number.isInteger(lastEventId) ? lastEventId : (after ?? 0));

    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();

    let closed = false;
    let wake: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      clearTimeout(timer);
      wake();
      open.delete(stop);
      if (!res.writableEnded) res.end();
    };
    open.add(stop);
    res.on('close', stop); // the response's close: the client went away (or we ended it)

    const send = (chunks: LogChunk[]) => {
      for (const c of chunks) {
        const seq = streamSeq(c.attempt, c.seq);
        res.write(`id: ${seq}\nevent: log\ndata: ${JSON.stringify({ seq, text: c.text })}\n\n`);
        position = { attempt: c.attempt, seq: c.seq };
      }
    };

    try {
      while (!closed) {
        // Status first, chunks second: once a finished status is read, every chunk of the job is
        // already stored, so the chunks read after it are the last ones.
        const { status } = await queue.get(id);
        let chunks: LogChunk[];
        do {
          chunks = await queue.logChunks(id, { after: position, limit: CHUNKS_PER_READ });
          if (closed) return reply;
          send(chunks);
        } while (chunks.length === CHUNKS_PER_READ);
        if (FINISHED.has(status)) {
          res.write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
          break;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, pollMs);
        });
      }
    } catch (err) {
      request.log.error({ err }, 'log stream failed');
    } finally {
      stop();
    }
    return reply;
  });
}
