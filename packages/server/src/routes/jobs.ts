import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { HttpError } from '../errors';
import { decodeCursor, encodeCursor } from '../job-cursor';
import { jobIdParam } from '../job-id';
import { type JobInput, listJobsQuery, parse, pushBody, rerunBody } from '../schemas';
import { jobJson } from '../serialize';

type IdParams = { Params: { id: string } };

function pushRequest({ path, args, ...options }: JobInput) {
  return { ...options, path, args: args as Record<string, unknown> | undefined };
}

/** Jobs: push one or many, list, get, cancel, rerun, logs (the stream is in job-logs-stream.ts). */
export function registerJobRoutes(app: FastifyInstance, { queue }: ServerContext): void {
  app.post('/api/jobs', async (request, reply) => {
    const body = parse(pushBody, request.body, 'job');
    if ('jobs' in body) {
      const ids = await queue.pushMany(body.jobs.map(pushRequest));
      return reply.status(201).send({ ids });
    }
    const [id] = await queue.pushMany([pushRequest(body)]);
    return reply.status(201).send({ id });
  });

  app.get('/api/jobs', async (request) => {
    const q = parse(listJobsQuery, request.query, 'query');
    const limit = q.limit ?? 50;
    // one extra row tells whether there is a next page
    const jobs = await queue.list({
      status: q.status,
      path: q.path,
      tag: q.tag,
      worker: q.worker,
      limit: limit + 1,
      before: q.before === undefined ? undefined : decodeCursor(q.before),
    });
    const page = jobs.slice(0, limit);
    const nextBefore = jobs.length > limit ? encodeCursor(page[page.length - 1].id) : null;
    return { jobs: page.map((j) => jobJson(j, { list: true })), nextBefore };
  });

  app.get<IdParams>('/api/jobs/:id', async (request) =>
    jobJson(await queue.get(jobIdParam(request.params.id))),
  );

  app.post<IdParams>('/api/jobs/:id/cancel', async (request) => {
    const id = jobIdParam(request.params.id);
    const { status } = await queue.cancel(id);
    if (status === 'already_finished') {
      throw new HttpError('job_already_completed', `job ${id} has already completed`);
    }
    return jobJson(await queue.get(id));
  });

  app.post<IdParams>('/api/jobs/:id/rerun', async (request, reply) => {
    const body = parse(rerunBody, request.body ?? undefined, 'rerun body');
    const job = await queue.get(jobIdParam(request.params.id));
    // Per the contract a rerun resolves the script's *current* version, tag and defaults anew,
    // so it is a fresh push of the same path (queue.rerun would pin the old version).
    const id = await queue.push(job.path, (body?.args ?? job.args) as Record<string, unknown>);
    return reply.status(201).send({ id });
  });

  app.get<IdParams>('/api/jobs/:id/logs', async (request, reply) => {
    const id = jobIdParam(request.params.id);
    const text = await queue.logs(id);
    if (text === '') await queue.get(id); // no logs yet, or no such job (404)
    return reply.type('text/plain; charset=utf-8').send(text);
  });
}
