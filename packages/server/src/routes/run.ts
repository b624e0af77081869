import { WaitTimeoutError } from '@millrace/queue';
import type { FastifyInstance } from 'fastify';
import { type ServerContext, wildcardPath } from '../context';
import { HttpError } from '../errors';
import { isTrue, parse, runQuery } from '../schemas';
import { jobJson } from '../serialize';

const DEFAULT_WAIT_MS = 60_000;

/** `POST /api/run/<path>`: the body is the args; push, and with `wait=true` answer with the outcome. */
export function registerRunRoutes(app: FastifyInstance, { queue }: ServerContext): void {
  app.post('/api/run/*', async (request, reply) => {
    const path = wildcardPath(request.params);
    const q = parse(runQuery, request.query, 'query');
    const args = (request.body ?? {}) as Record<string, unknown>;
    const id = await queue.push(path, args, { tag: q.tag, priority: q.priority });
    if (!isTrue(q.wait)) return reply.status(202).send({ id });

    const timeoutMs = q.timeoutMs ?? DEFAULT_WAIT_MS;
    let job: Awaited<ReturnType<typeof queue.wait>>;
    try {
      job = await queue.wait(id, { timeoutMs });
    } catch (err) {
      if (!(err instanceof WaitTimeoutError)) throw err;
      // the job keeps going: the client can poll GET /api/jobs/:id
      throw new HttpError('wait_timeout', `job ${id} did not finish within ${timeoutMs} ms`, { id });
    }
    reply.header('X-Millrace-Job-Id', id);
    if (isTrue(q.full)) return reply.status(200).send(jobJson(job));
    if (job.status === 'success') {
      // the result as is, even a bare string or null: serialise it ourselves so fastify does not
      // send a string as text/plain
      return reply
        .status(200)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(job.result ?? null));
    }
    if (job.status === 'canceled') throw new HttpError('job_canceled', `job ${id} was canceled`, { id });
    throw new HttpError('job_failed', job.error?.message ?? `job ${id} failed`, {
      id,
      error: job.error,
    });
  });
}
