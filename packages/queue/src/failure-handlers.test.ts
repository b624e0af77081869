import { openDb } from '@millrace/db';
import { Settings } from '@millrace/settings';
import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Scheduler } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

const HANDLER = 'f/ops/on_failure';

/** Claims the job `id` (alone on its tag) and ends it with `status`. */
async function finish(
  f: QueueFixture,
  id: string,
  tag: string,
  status: 'success' | 'failure',
  worker = 'w1',
) {
  const [job] = await waitFor(() => f.queue.claim(worker, [tag], 1).then((j) => (j.length ? j : null)));
  expect(job.id).toBe(id);
  const error = { message: `boom ${id}`, name: 'Error' };
  return status === 'success'
    ? f.queue.complete([{ id, token: job.token, status, result: 1 }])
    : f.queue.complete([{ id, token: job.token, status, error }]);
}

async function handlerJobsOf(f: QueueFixture) {
  return (await f.queue.list({ path: HANDLER, limit: 1000 })).reverse();
}

describe.each(testDrivers())('failure handlers on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { retryBaseMs: 1, retryMaxMs: 5 });
    await f.settings.deployScript({
      path: HANDLER,
      content: 'export const main = (a) => a;',
      language: 'javascript',
    });
    await f.settings.setFailureHandler({ script: 'f/test/noop' }, HANDLER);
  });
  afterAll(() => f.drop());

  it('pushes the handler once, with the failed job id, error and args, when attempts are used up', async () => {
    const id = await f.queue.push('f/test/noop', { order: 7 }, { tag: 'fh1', maxAttempts: 2 });
    expect((await finish(f, id, 'fh1', 'failure')).retried).toEqual([id]); // attempt 1: retried, no handler
    expect(await f.queue.pushFailureHandlerJobs()).toEqual([]);
    expect((await finish(f, id, 'fh1', 'failure')).completed).toEqual([id]); // attempt 2: failed for good

    const handled = await f.queue.pushFailureHandlerJobs();
    expect(handled).toEqual([{ failedJobId: id, handlerJobId: expect.any(String) }]);
    const handler = await f.queue.get(handled[0].handlerJobId as string);
    expect(handler).toMatchObject({
      path: HANDLER,
      status: 'queued',
      failureOf: id,
      args: {
        failedJob: {
          id,
          path: 'f/test/noop',
          error: { message: `boom ${id}` },
          attempt: 2,
          worker: 'w1',
          args: { order: 7 },
        },
      },
    });
    // once: later passes find nothing more for it
    expect(await f.queue.pushFailureHandlerJobs()).toEqual([]);
    expect((await handlerJobsOf(f)).map((j) => j.id)).toEqual([handler.id]);
  });

  it('a failing handler does not trigger itself (no loop), nor do successes and cancels', async () => {
    await f.settings.setFailureHandler({ script: HANDLER }, HANDLER);
    try {
      const before = (await handlerJobsOf(f)).length;
      const ok = await f.queue.push('f/test/noop', {}, { tag: 'fh2' });
      await finish(f, ok, 'fh2', 'success');
      await f.queue.cancel(await f.queue.push('f/test/noop', {}, { tag: 'fh2' }));
      expect(await f.queue.pushFailureHandlerJobs()).toEqual([]);

      const failed = await f.queue.push('f/test/noop', {}, { tag: 'fh2' });
      await finish(f, failed, 'fh2', 'failure');
      const [h] = await f.queue.pushFailureHandlerJobs();
      // the handler job runs on its script's tag; fail it for good
      const hJob = await f.queue.get(h.handlerJobId as string);
      const [claimed] = await waitFor(() =>
        f.queue.claim('w1', [hJob.tag], 1).then((j) => (j.length ? j : null)),
      );
      await f.queue.complete([
        { id: claimed.id, token: claimed.token, status: 'failure', error: { message: 'x' } },
      ]);
      expect(await f.queue.pushFailureHandlerJobs()).toEqual([]);
      expect((await handlerJobsOf(f)).length).toBe(before + 1);
    } finally {
      await f.settings.setFailureHandler({ script: HANDLER }, null);
    }
  });

  it("a worker group's handler receives its workers' final failures, the reaper's too; a script's handler wins", async () => {
    await f.settings.setWorkerGroup('billing', { tags: ['fh3'] });
    await f.settings.deployScript({ path: 'f/ops/group_alert', content: 'export const main = (a) => a;' });
    await f.settings.setFailureHandler({ group: 'billing' }, 'f/ops/group_alert');
    await f.queue.registerWorker({ name: 'bw', group: 'billing', tags: ['fh3'] });
    expect(await f.settings.listFailureHandlers()).toEqual([
      expect.objectContaining({ scope: 'script', target: 'f/test/noop', handler: HANDLER }),
      expect.objectContaining({ scope: 'group', target: 'billing', handler: 'f/ops/group_alert' }),
    ]);

    const other = await f.queue.push('f/test/other', {}, { tag: 'fh3' });
    await finish(f, other, 'fh3', 'failure', 'bw');
    // lost with its worker until out of lost attempts: the reaper ends it as a failure
    const lost = await f.queue.push('f/test/other', {}, { tag: 'fh3' });
    for (let i = 0; i < 4; i++) {
      await waitFor(() => f.queue.claim('bw', ['fh3'], 1).then((j) => (j.length ? j : null)));
      await f.db.query("UPDATE millrace.job_queue SET last_ping = now() - interval '1 hour' WHERE id = $1", [
        lost,
      ]);
      await f.queue.reapZombies({ staleAfterMs: 1000 });
      if ((await f.queue.get(lost)).status === 'failure') break;
    }
    expect((await f.queue.get(lost)).status).toBe('failure');
    const noop = await f.queue.push('f/test/noop', {}, { tag: 'fh3' });
    await finish(f, noop, 'fh3', 'failure', 'bw');

    const handled = await f.queue.pushFailureHandlerJobs();
    const byFailed = new Map(
      await Promise.all(
        handled.map(
          async (h) => [h.failedJobId, (await f.queue.get(h.handlerJobId as string)).path] as const,
        ),
      ),
    );
    expect(Object.fromEntries(byFailed)).toEqual({
      [other]: 'f/ops/group_alert',
      [lost]: 'f/ops/group_alert',
      [noop]: HANDLER,
    });
    await f.settings.setFailureHandler({ group: 'billing' }, null);
  });

  it('concurrent schedulers hand each failure to exactly one handler job', async () => {
    const other = f.url ? await openDb({ url: f.url }) : f.db;
    const q2 = new Queue(other, { settings: new Settings(other) });
    try {
      const ids = await f.queue.pushMany(
        Array.from({ length: 30 }, (_, i) => ({ path: 'f/test/noop', args: { i }, tag: 'fh4' })),
      );
      const claimed = await f.queue.claim('w1', ['fh4'], 30);
      await f.queue.complete(
        claimed.map((c) => ({
          id: c.id,
          token: c.token,
          status: 'failure' as const,
          error: { message: 'x' },
        })),
      );
      const results = await Promise.all([
        f.queue.pushFailureHandlerJobs(),
        q2.pushFailureHandlerJobs(),
        f.queue.pushFailureHandlerJobs(),
        q2.pushFailureHandlerJobs(),
      ]);
      const handled = results.flat();
      expect(handled.map((h) => h.failedJobId).sort()).toEqual([...ids].sort());
      const { rows } = await f.db.query<{ failure_of: string; n: number }>(
        `SELECT (args->'failedJob'->>'id') AS failure_of, count(*)::int AS n FROM millrace.jobs
         WHERE path = $1 AND (args->'failedJob'->>'id')::bigint = ANY($2::bigint[]) GROUP BY 1`,
        [HANDLER, ids],
      );
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      if (other !== f.db) await other.close();
    }
  });

  it('the Scheduler loop pushes the handler job on its own, woken by the failure', async () => {
    const loop = await new Scheduler(f.queue, { intervalMs: 60_000 }).start();
    try {
      const id = await f.queue.push('f/test/noop', {}, { tag: 'fh5' });
      await finish(f, id, 'fh5', 'failure');
      const job = await waitFor(async () =>
        (await handlerJobsOf(f)).find(
          (j) => j.args.failedJob && (j.args.failedJob as { id: string }).id === id,
        ),
      );
      expect(job.path).toBe(HANDLER);
    } finally {
      await loop.stop();
    }
  });

  it('a non-retryable failure and a job a stopping worker gave up on get the handler too', async () => {
    const fatal = await f.queue.push('f/test/noop', {}, { tag: 'fh7', maxAttempts: 5 });
    const [c] = await waitFor(() => f.queue.claim('w1', ['fh7'], 1).then((j) => (j.length ? j : null)));
    await f.queue.complete([
      { id: fatal, token: c.token, status: 'failure', error: { message: 'fatal' }, retryable: false },
    ]);
    const abandoned = await f.queue.push('f/test/noop', {}, { tag: 'fh7' });
    while ((await f.queue.get(abandoned)).status !== 'failure') {
      const [j] = await waitFor(() => f.queue.claim('w1', ['fh7'], 1).then((x) => (x.length ? x : null)));
      await f.queue.abandon([{ id: j.id, token: j.token }]);
    }
    const handled = await f.queue.pushFailureHandlerJobs();
    expect(handled.map((h) => h.failedJobId).sort()).toEqual([fatal, abandoned].sort());
  });

  it("leaves the failed job's args out when the handler's args would pass the limit", async () => {
    const small = new Queue(f.db, { settings: f.settings, maxArgsBytes: 2048 });
    const id = await small.push('f/test/noop', { blob: 'x'.repeat(1990) }, { tag: 'fh8' });
    await finish(f, id, 'fh8', 'failure');
    const [h] = await small.pushFailureHandlerJobs();
    const job = await f.queue.get(h.handlerJobId as string);
    expect(job.args).toMatchObject({ failedJob: { id, argsOmitted: true } });
    expect(job.args.failedJob).not.toHaveProperty('args');
  });

  it('a handler script that is gone is recorded as skipped, once', async () => {
    await f.settings.deployScript({ path: 'f/ops/gone', content: 'export const main = () => 1;' });
    await f.settings.setFailureHandler({ script: 'f/test/other' }, 'f/ops/gone');
    await f.db.query("DELETE FROM millrace.scripts WHERE path = 'f/ops/gone'");
    const id = await f.queue.push('f/test/other', {}, { tag: 'fh6' });
    await finish(f, id, 'fh6', 'failure');
    expect(await f.queue.pushFailureHandlerJobs()).toEqual([
      { failedJobId: id, handlerJobId: null, skipped: 'handler_not_found' },
    ]);
    expect(await f.queue.pushFailureHandlerJobs()).toEqual([]);
  });
});
