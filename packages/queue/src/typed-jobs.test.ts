import { InvalidPathError } from '@millrace/settings';
import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineJob,
  type FinishedJob,
  InvalidArgsError,
  type Job,
  type JobArgs,
  type JobId,
  type Queue,
} from './index';
import { countJobs, openQueueFixture, type QueueFixture } from './test-support';

const double = defineJob<{ n: number }, { doubled: number }>('f/test/noop');

/** Claims and completes every job of tag `node` with `result(args)`. */
async function work(queue: Queue, result: (args: JobArgs) => unknown) {
  for (const job of await queue.claim('w1', ['node'], 100)) {
    await queue.complete([{ id: job.id, token: job.token, status: 'success', result: result(job.args) }]);
  }
}

describe('the types a definition gives', () => {
  // Type-level only: these lines fail `npm run typecheck` (and vitest's expectTypeOf) if the types loosen.
  it('types push, wait and get from the definition; untyped calls keep the old types', () => {
    const queue = null as unknown as Queue;
    const typedPush = () => queue.push(double, { n: 2 });
    expectTypeOf(typedPush).returns.resolves.toEqualTypeOf<JobId<{ n: number }, { doubled: number }>>();
    expectTypeOf<JobId<{ n: number }, { doubled: number }>>().toMatchTypeOf<string>();
    const waitTyped = (id: JobId<{ n: number }, { doubled: number }>) => queue.wait(id);
    expectTypeOf(waitTyped).returns.resolves.toEqualTypeOf<FinishedJob<{ n: number }, { doubled: number }>>();
    const getTyped = (id: JobId<{ n: number }, { doubled: number }>) => queue.get(id);
    expectTypeOf(getTyped).returns.resolves.toEqualTypeOf<Job<{ n: number }, { doubled: number }>>();
    expectTypeOf(() => queue.push('f/test/noop', { n: 2 })).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf((id: string) => queue.wait(id)).returns.resolves.toEqualTypeOf<
      FinishedJob<JobArgs, unknown>
    >();

    const wrongArgs = () => {
      // @ts-expect-error: n must be a number
      void queue.push(double, { n: 'two' });
      // @ts-expect-error: args are required for a definition
      void queue.push(double);
      // @ts-expect-error: an unknown key
      void queue.pushMany(double, [{ args: { n: 1, extra: true } }]);
    };
    void wrongArgs;
  });

  it('discriminates a job by status', () => {
    const narrow = (job: Job<{ n: number }, { doubled: number }>) => {
      if (job.status === 'success') {
        expectTypeOf(job.result).toEqualTypeOf<{ doubled: number }>();
        expectTypeOf(job.error).toEqualTypeOf<null>();
        expectTypeOf(job.startedAt).toEqualTypeOf<Date>();
      } else if (job.status === 'failure') {
        expectTypeOf(job.error.message).toEqualTypeOf<string>();
        expectTypeOf(job.result).toEqualTypeOf<null>();
      } else if (job.status === 'queued') {
        expectTypeOf(job.startedAt).toEqualTypeOf<null>();
        expectTypeOf(job.worker).toEqualTypeOf<null>();
      }
      // @ts-expect-error: the result's shape is only known once status says success
      void job.result.doubled;
    };
    void narrow;
    const finished = (job: FinishedJob) => {
      // @ts-expect-error: a finished job is never queued
      void (job.status === 'queued');
    };
    void finished;
  });
});

describe.each(testDrivers())('typed jobs on %s', (driver) => {
  let f: QueueFixture;
  const jobCount = () => countJobs(f.db);
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('pushes with a definition and reads the typed result back', async () => {
    const id = await f.queue.push(double, { n: 21 }, { priority: 5 });
    const [second, third] = await f.queue.pushMany(double, [
      { args: { n: 1 } },
      { args: { n: 2 }, priority: 1 },
    ]);
    await work(f.queue, (args) => ({ doubled: (args.n as number) * 2 }));
    const job = await f.queue.wait(id, { timeoutMs: 10_000 });
    if (job.status !== 'success') throw new Error(`expected success, got ${job.status}`);
    expect(job.result.doubled).toBe(42);
    expect(job.priority).toBe(5);
    expect(job.args).toEqual({ n: 21 });
    const others = await Promise.all([f.queue.get(second), f.queue.get(third)]);
    expect(others.map((j) => (j.status === 'success' ? j.result.doubled : null))).toEqual([2, 4]);
  });

  it("runs the definition's parseArgs at push: refused args write nothing, parsed args are what is stored", async () => {
    const schema = z.object({ to: z.email() });
    const send = defineJob<z.infer<typeof schema>, { sent: boolean }>('f/test/other', {
      parseArgs: schema.parse,
    });
    const before = await jobCount();
    const refused = f.queue.push(send, { to: 'not an address' });
    await expect(refused).rejects.toBeInstanceOf(InvalidArgsError);
    await expect(refused).rejects.toThrow('args refused by the definition of f/test/other');
    await expect(
      f.queue.pushMany(send, [{ args: { to: 'a@b.co' } }, { args: { to: 'nope' } }]),
    ).rejects.toThrow(InvalidArgsError);
    expect(await jobCount()).toBe(before);
    // zod drops keys its schema does not name: the stored args are the parsed ones
    const id = await f.queue.push(send, { to: 'ada@example.com', extra: 1 } as { to: string });
    expect((await f.queue.get(id)).args).toEqual({ to: 'ada@example.com' });
  });

  it('still refuses what JSON cannot carry when the definition has no parseArgs', async () => {
    const when = defineJob<{ at: Date }>('f/test/noop');
    await expect(f.queue.push(when, { at: new Date() })).rejects.toThrow('args.at: a Date is not JSON');
  });
});

describe.each(testDrivers())('each state has the fields its Job member says, on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver, { retryBaseMs: 1 });
  });
  afterAll(() => f.drop());

  const unset = {
    result: null,
    error: null,
    worker: null,
    startedAt: null,
    completedAt: null,
    durationMs: null,
  };

  it('queued, running, success, failure, re-queued and canceled', async () => {
    const id = await f.queue.push('f/test/noop', { n: 1 }, { tag: 'states', maxAttempts: 2 });
    expect(await f.queue.get(id)).toMatchObject({ status: 'queued', ...unset });
    const [claimed] = await f.queue.claim('w1', ['states'], 1);
    const running = await f.queue.get(id);
    expect(running).toMatchObject({
      status: 'running',
      result: null,
      error: null,
      completedAt: null,
      durationMs: null,
    });
    expect(running).toMatchObject({ worker: 'w1', startedAt: expect.any(Date) });
    // a failure with an attempt left: queued again, with no worker or start
    await f.queue.complete([{ id, token: claimed.token, status: 'failure', error: { message: 'once' } }]);
    expect(await f.queue.get(id)).toMatchObject({ status: 'queued', ...unset });
    // claimable again once its 1 ms backoff has passed
    const [again] = await waitFor(async () => {
      const jobs = await f.queue.claim('w1', ['states'], 1);
      return jobs.length > 0 ? jobs : null;
    });
    await f.queue.complete([{ id, token: again.token, status: 'failure', error: { message: 'twice' } }]);
    const failed = await f.queue.get(id);
    expect(failed).toMatchObject({
      status: 'failure',
      result: null,
      error: { message: 'twice' },
      worker: 'w1',
    });
    expect(failed.completedAt).toBeInstanceOf(Date);

    const ok = await f.queue.push('f/test/noop', {}, { tag: 'states' });
    const [claimedOk] = await f.queue.claim('w1', ['states'], 1);
    await f.queue.complete([{ id: ok, token: claimedOk.token, status: 'success', result: { done: true } }]);
    const success = await f.queue.get(ok);
    expect(success).toMatchObject({ status: 'success', result: { done: true }, error: null, worker: 'w1' });
    expect(success).toMatchObject({ startedAt: expect.any(Date), completedAt: expect.any(Date) });
    expect(typeof success.durationMs).toBe('number');

    const canceled = await f.queue.push('f/test/noop', {}, { tag: 'states' });
    await f.queue.cancel(canceled);
    const job = await f.queue.get(canceled);
    expect(job).toMatchObject({ status: 'canceled', result: null, worker: null, startedAt: null });
    expect(job.completedAt).toBeInstanceOf(Date);
  });
});

it('checks the path when the job is defined', () => {
  expect(() => defineJob('Not A Path!')).toThrow(InvalidPathError);
});
