import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context';
import { parse } from '../schemas';

// Kept beside its one route rather than in schemas.ts: the timeline's query and nothing else.
const timelineQuery = z
  .object({
    seconds: z
      .string()
      .regex(/^\d+$/, 'an integer')
      .transform(Number)
      .pipe(z.number().int().min(1).max(600))
      .optional(),
  })
  .strict();

type IdParams = { Params: { id: string } };

/**
 * The job timeline (`GET /api/timeline`): jobs running now and jobs finished in the last `seconds`
 * (default 30) as bars per worker, plus the workers seen in that window so idle ones get a row.
 * Also each job's earlier attempts (`GET /api/jobs/:id/attempts`): the same story for one job.
 */
export function registerTimelineRoutes(app: FastifyInstance, { queue }: ServerContext): void {
  app.get('/api/timeline', async (request) => {
    const { seconds = 30 } = parse(timelineQuery, request.query, 'query');
    const windowMs = seconds * 1000;
    const [jobs, workers] = await Promise.all([
      queue.timeline({ windowMs, limit: 5000 }),
      queue.workers({ seenWithinMs: windowMs }),
    ]);
    return {
      now: Date.now(),
      windowMs,
      jobs,
      workers: workers
        .map((w) => ({ name: w.name, group: w.group, dedicatedScript: w.dedicatedScript, alive: w.alive }))
        .sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name)),
    };
  });

  app.get<IdParams>('/api/jobs/:id/attempts', async (request) => {
    const job = await queue.get(request.params.id); // 404 for an unknown job
    const earlier = await queue.attempts(job.id);
    return {
      attempts: earlier.map((a) => ({
        attempt: a.attempt,
        status: a.status,
        error: a.error,
        worker: a.worker,
        startedAt: a.startedAt ? a.startedAt.toISOString() : null,
        endedAt: a.endedAt.toISOString(),
      })),
    };
  });
}
