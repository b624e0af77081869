// A write the database refuses because of one row is split until that row is alone: its job ends
// with a clear error and every other row is written. A write that fails for another reason (here a
// missing table) is retried, reported, and the worker claims nothing until a write succeeds again.
// Bad rows are injected as real constraints on the real tables.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Completer, RowRefusedError, WriteFailingError } from './index';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

describe.each(testDrivers())('refused writes on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.deploy('f/split/noop', 'export function main(a) { return a; }', 'javascript');
    await f.db.query(
      `ALTER TABLE millrace.job_completed ADD CONSTRAINT poison_result CHECK (result IS NULL OR NOT result ? 'poison')`,
    );
    await f.db.query(
      `ALTER TABLE millrace.job_logs ADD CONSTRAINT poison_log CHECK (position('POISON' in text) = 0)`,
    );
  });
  afterAll(() => f.drop());

  const claim = async (n: number, tag: string) => {
    await f.queue.pushMany(Array.from({ length: n }, (_, i) => ({ path: 'f/split/noop', args: { i }, tag })));
    return f.queue.claim('w', [tag], n);
  };
  const completerFor = (errors: unknown[], failing: boolean[] = []) =>
    new Completer(f.queue, { onError: (err) => errors.push(err), onFailing: (on) => failing.push(on) });

  it('isolates the refused rows of one batch; their jobs fail with completion_refused, the rest succeed', async () => {
    const jobs = await claim(40, 's1');
    const poisoned = new Set([jobs[7].id, jobs[23].id]);
    const errors: unknown[] = [];
    const failing: boolean[] = [];
    const completer = completerFor(errors, failing);
    for (const j of jobs) {
      completer.addLog({
        id: j.id,
        attempt: 1,
        seq: 0,
        text: poisoned.has(j.id) ? 'POISON\n' : `job ${j.id}\n`,
      });
      completer.add({
        id: j.id,
        token: j.token,
        status: 'success',
        result: poisoned.has(j.id) ? { poison: true } : { ok: j.id },
      });
    }
    expect(await completer.drain()).toBe(true);
    completer.close();

    const ended = await Promise.all(jobs.map((j) => f.queue.get(j.id)));
    for (const job of ended) {
      if (!poisoned.has(job.id)) {
        expect(job).toMatchObject({ status: 'success', result: { ok: job.id } });
        expect(await f.queue.logs(job.id)).toBe(`job ${job.id}\n`);
        continue;
      }
      expect(job).toMatchObject({
        status: 'failure',
        attempt: 1,
        error: { name: 'CompletionRefusedError', reason: 'completion_refused' },
      });
      expect(job.error?.message).toMatch(/SQLSTATE 23514.*poison_result/);
      expect(await f.queue.logs(job.id)).toMatch(
        /^\n\[millrace\] 7 characters of output were refused.*poison_log/,
      );
    }
    const refused = errors.filter((e) => e instanceof RowRefusedError) as RowRefusedError[];
    expect(refused.map((e) => e.jobId).sort()).toEqual([...poisoned, ...poisoned].sort());
    expect(errors).toHaveLength(4); // two log chunks, two completions: nothing else went wrong
    expect(failing).toEqual([]); // a refused row is not a failing database: claiming never paused
    expect(completer.status).toMatchObject({ failing: false, refusedRows: 4, pending: 0 });
  });

  it('drops a row whose replacement is refused too, reports it, and writes the rest', async () => {
    const jobs = await claim(5, 's2');
    const doomed = jobs[2].id;
    await f.db.query(
      `ALTER TABLE millrace.job_completed ADD CONSTRAINT doomed CHECK (id <> ${Number(doomed)})`,
    );
    try {
      const errors: unknown[] = [];
      const flushed: string[] = [];
      const completer = new Completer(f.queue, {
        onError: (err) => errors.push(err),
        onFlushed: (ids) => flushed.push(...ids),
      });
      for (const j of jobs) completer.add({ id: j.id, token: j.token, status: 'success', result: 1 });
      expect(await completer.drain()).toBe(true);
      completer.close();
      expect(flushed.sort()).toEqual(jobs.map((j) => j.id).sort()); // none is retried forever
      const statuses = await Promise.all(jobs.map(async (j) => (await f.queue.get(j.id)).status));
      expect(statuses).toEqual(['success', 'success', 'running', 'success', 'success']);
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toMatch(/left for the reaper/);
    } finally {
      await f.db.query('ALTER TABLE millrace.job_completed DROP CONSTRAINT doomed');
    }
  });

  it('a worker fails only the refused job: the same batch and the next jobs are written', async () => {
    await f.settings.setScriptSettings('f/split/noop', { dedicated: true });
    await f.settings.setWorkerGroup('split', { dedicatedWorker: 'f/split/noop', concurrency: 4 });
    const errors: unknown[] = [];
    await f.start({
      group: 'split',
      handlers: { 'f/split/noop': (a) => a },
      onError: (err) => errors.push(err),
    });
    const ids = await f.queue.pushMany(
      Array.from({ length: 30 }, (_, i) => ({
        path: 'f/split/noop',
        args: i === 11 ? { poison: i } : { i },
      })),
    );
    const jobs = await Promise.all(ids.map((id) => f.finished(id)));
    expect(jobs.map((j) => j.status)).toEqual(ids.map((_, i) => (i === 11 ? 'failure' : 'success')));
    expect(jobs[11].error).toMatchObject({ reason: 'completion_refused' });
    expect(errors.every((e) => e instanceof RowRefusedError)).toBe(true);
  });

  it('a write failing for another reason is retried and reported; the worker claims nothing meanwhile', async () => {
    await f.settings.setWorkerGroup('outage', { tags: ['outage'], concurrency: 2 });
    const errors: unknown[] = [];
    const worker = await f.start({
      group: 'outage',
      handlers: { 'f/split/noop': (a) => a },
      completer: { maxPending: 100 },
      onError: (err) => errors.push(err),
    });
    const failures = () => errors.filter((e) => e instanceof WriteFailingError).length;
    // queue.get reads job_completed too, which is away: ask the queue table itself
    const state = async (id: string) => {
      const { rows } = await f.db.query<{ running: boolean }>(
        'SELECT running FROM millrace.job_queue WHERE id = $1',
        [id],
      );
      return rows.length === 0 ? 'gone' : rows[0].running ? 'running' : 'queued';
    };
    await f.db.query('ALTER TABLE millrace.job_completed RENAME TO job_completed_away');
    let renamed = true;
    try {
      const first = await f.queue.push('f/split/noop', { n: 1 }, { tag: 'outage' });
      await waitFor(() => worker.status.writes.failing);
      expect(worker.status.claiming).toBe(false);
      expect(await state(first)).toBe('running');
      // a job pushed now (its NOTIFY wakes the worker at once) stays queued while writes keep failing
      const second = await f.queue.push('f/split/noop', { n: 2 }, { tag: 'outage' });
      const seen = failures();
      await waitFor(() => failures() >= seen + 3, { timeoutMs: 30_000 });
      expect(await state(second)).toBe('queued');
      expect(await state(first)).toBe('running'); // not split, not failed: just not written yet
      expect(errors.some((e) => e instanceof RowRefusedError)).toBe(false);
      expect(worker.status.writes.lastError).toMatch(/42P01/);

      await f.db.query('ALTER TABLE millrace.job_completed_away RENAME TO job_completed');
      renamed = false;
      expect(await f.finished(first)).toMatchObject({ status: 'success', result: { n: 1 } });
      expect(await f.finished(second)).toMatchObject({ status: 'success', result: { n: 2 } });
      expect(worker.status).toMatchObject({ claiming: true, writes: { failing: false } });
    } finally {
      if (renamed) await f.db.query('ALTER TABLE millrace.job_completed_away RENAME TO job_completed');
    }
  });
});
