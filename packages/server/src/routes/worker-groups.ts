import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { pageOf } from '../list-page';
import { afterPageQuery, parse, workerGroupBody } from '../schemas';
import { groupJson } from '../serialize';

/** Worker groups: list, get, create-or-update, delete. */
export function registerWorkerGroupRoutes(app: FastifyInstance, { settings }: ServerContext): void {
  app.get('/api/worker-groups', async (request) => {
    const q = parse(afterPageQuery, request.query, 'query');
    const groups = await settings.listWorkerGroups();
    groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = pageOf(
      groups,
      (g) => g.name,
      (g, key) => g.name > key,
      {
        limit: q.limit,
        cursor: q.after,
        what: 'after',
      },
    );
    return { groups: page.items.map(groupJson), nextAfter: page.next };
  });

  app.get<{ Params: { name: string } }>('/api/worker-groups/:name', async (request) =>
    groupJson(await settings.getWorkerGroup(request.params.name)),
  );

  app.put<{ Params: { name: string } }>('/api/worker-groups/:name', async (request) => {
    const input = parse(workerGroupBody, request.body ?? {}, 'worker group');
    // The UI sends the whole group on save; a dedicated group's tags are unused, so the tags of the
    // form must not make settings refuse the change ("tags and dedicatedWorker cannot be set together").
    if (typeof input.dedicatedWorker === 'string') delete input.tags;
    return groupJson(await settings.setWorkerGroup(request.params.name, input));
  });

  app.delete<{ Params: { name: string } }>('/api/worker-groups/:name', async (request, reply) => {
    await settings.deleteWorkerGroup(request.params.name);
    return reply.status(204).send();
  });
}
