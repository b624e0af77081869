import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { parse, workersQuery } from '../schemas';
import { workerJson } from '../serialize';
import { WorkerRates } from '../worker-rates';

/** Live workers (and dead ones pinged in the last 10 minutes), sorted by group then name. */
export function registerWorkerRoutes(app: FastifyInstance, { queue }: ServerContext): void {
  const rates = new WorkerRates();
  app.get('/api/workers', async (request) => {
    const { group } = parse(workersQuery, request.query, 'query');
    const all = await queue.workers({ seenWithinMs: 600_000 });
    const perSecond = rates.observe(all);
    const workers = all
      .filter((w) => group === undefined || w.group === group)
      .sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name))
      .map((w) => workerJson(w, perSecond.get(w.name) ?? 0));
    return { workers };
  });
}
