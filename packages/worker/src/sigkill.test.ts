import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openWorkerFixture,
  spawnWorkerProcess as spawnWorker,
  type WorkerFixture,
  waitFor,
} from './test-support';

// A worker in another process needs a database it can reach: PostgreSQL only.
describe.runIf(testDrivers().includes('postgres'))('a worker killed mid-job', () => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture('postgres');
    await f.deploy(
      'f/kill/slow',
      'export async function main() { console.log("started"); await new Promise((r) => setTimeout(r, 1500)); return "done"; }',
    );
  });
  afterAll(() => f.drop());

  it('loses no job: it is reaped and finished by another worker, the lost attempt recorded', async () => {
    const doomed = spawnWorker(f.url as string, 'doomed');
    await doomed.ready;
    const id = await f.queue.push('f/kill/slow', {}, { maxAttempts: 1 });
    await waitFor(async () => (await f.queue.get(id)).status === 'running');
    expect((await f.queue.get(id)).worker).toBe('doomed');
    doomed.child.kill('SIGKILL');
    await new Promise((resolve) => doomed.child.once('exit', resolve));

    // its heartbeat goes stale; a reaper puts the job back
    await waitFor(async () => (await f.queue.reapZombies({ staleAfterMs: 1000 })).requeued.includes(id), {
      intervalMs: 100,
    });
    await f.start({ group: 'default' });
    const job = await f.finished(id);
    expect(job).toMatchObject({ status: 'success', result: 'done', attempt: 2 });
    expect(job.worker).not.toBe('doomed');
    expect((await f.queue.attempts(id)).map((a) => [a.attempt, a.status, a.worker])).toEqual([
      [1, 'lost', 'doomed'],
    ]);
    const { rows } = await f.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = $1',
      [id],
    );
    expect(rows[0].n).toBe(1);
    // the counters saw it end once, a success, whatever happened to its first attempt
    expect((await f.queue.completionCounters()).map((c) => [c.tag, c.status, c.count])).toEqual([
      ['node', 'success', 1],
    ]);
  });

  it('stops gracefully on SIGTERM: the in-flight job finishes first', async () => {
    await f.settings.setWorkerGroup('graceful', { tags: ['graceful'] });
    const w = spawnWorker(f.url as string, 'graceful', 'graceful');
    await w.ready;
    const id = await f.queue.push('f/kill/slow', {}, { tag: 'graceful' });
    await waitFor(async () => (await f.queue.get(id)).worker === 'graceful');
    w.child.kill('SIGTERM');
    const code = await new Promise((resolve) => w.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(await f.queue.get(id)).toMatchObject({ status: 'success', worker: 'graceful' });
    expect((await f.queue.workers()).find((x) => x.name === 'graceful')?.alive).toBe(false);
  });
});
