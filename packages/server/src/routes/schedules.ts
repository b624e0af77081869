import { JobNotFoundError, type Queue } from '@millrace/queue';
import { type FailureHandler, nextTicks, type Schedule } from '@millrace/settings';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';

/**
 * Schedules and failure handlers (docs/schedules.md). Bodies go to settings as they are: it
 * validates them (strict shapes, typed errors mapped to invalid_schedule / invalid_failure_handler).
 * Like every route, these need the token (deny by default, docs/security.md).
 */

const NEXT_RUNS = 5;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The schedule with its next runs and the status of the job its last tick made. */
async function scheduleJson(s: Schedule, queue: Queue) {
  const lastRun = s.lastJobId ? await queue.get(s.lastJobId).catch(ignoreGone) : null;
  return {
    name: s.name,
    path: s.path,
    cron: s.cron,
    timezone: s.timezone,
    args: s.args,
    enabled: s.enabled,
    catchUp: s.catchUp,
    nextTick: iso(s.nextTick),
    nextRuns: s.nextTick
      ? [s.nextTick, ...nextTicks(s.cron, s.timezone, s.nextTick, NEXT_RUNS - 1)].map(iso)
      : [],
    lastTick: iso(s.lastTick),
    lastRun: lastRun && { id: lastRun.id, status: lastRun.status, completedAt: iso(lastRun.completedAt) },
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** The last run's job was removed by retention: the schedule simply has no last run to show. */
function ignoreGone(err: unknown): null {
  if (err instanceof JobNotFoundError) return null;
  throw err;
}

const handlerJson = (h: FailureHandler) => ({
  scope: h.scope,
  target: h.target,
  handler: h.handler,
  updatedAt: iso(h.updatedAt),
});

export function registerScheduleRoutes(app: FastifyInstance, { settings, queue }: ServerContext): void {
  app.get('/api/schedules', async () => {
    const schedules = await settings.listSchedules();
    return { schedules: await Promise.all(schedules.map((s) => scheduleJson(s, queue))) };
  });

  app.get<{ Params: { name: string } }>('/api/schedules/:name', async (request) =>
    scheduleJson(await settings.getSchedule(request.params.name), queue),
  );

  app.put<{ Params: { name: string } }>('/api/schedules/:name', async (request) =>
    scheduleJson(await settings.setSchedule(request.params.name, (request.body ?? {}) as never), queue),
  );

  app.delete<{ Params: { name: string } }>('/api/schedules/:name', async (request, reply) => {
    await settings.deleteSchedule(request.params.name);
    return reply.status(204).send();
  });

  app.get('/api/failure-handlers', async () => ({
    handlers: (await settings.listFailureHandlers()).map(handlerJson),
  }));

  /** Body `{ script: path } | { group: name }` plus `handler` (a script path, or null to remove). */
  app.put('/api/failure-handlers', async (request) => {
    const { handler, ...target } = (request.body ?? {}) as { handler?: unknown };
    const set = await settings.setFailureHandler(target as never, handler as never);
    return { handler: set && handlerJson(set) };
  });
}
