// One job definition types the producer (push, wait) and the in-host handler alike.
import { defineJob } from '@millrace/queue';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { handlerFor } from './index';
import { openWorkerFixture, type WorkerFixture } from './test-support';

interface SendArgs {
  to: string;
}

/** A hand-written check (a zod schema's `.parse` fits the same slot). */
function parseSendArgs(args: unknown): SendArgs {
  const to = (args as { to?: unknown } | null)?.to;
  if (typeof to !== 'string' || !to.includes('@'))
    throw new TypeError(`to: expected an address, got ${String(to)}`);
  return { to };
}

const send = defineJob<SendArgs, { sent: string }>('f/typed/send', { parseArgs: parseSendArgs });
const plain = defineJob<{ n: number }, number>('f/typed/plain');

it('types the handler from the definition', () => {
  handlerFor(send, async (args, { log }) => {
    expectTypeOf(args).toEqualTypeOf<SendArgs>();
    log(args.to);
    return { sent: args.to };
  });
  // @ts-expect-error: the handler must return the definition's result type
  handlerFor(plain, (args) => `${args.n}`);
  // @ts-expect-error: args has no such field
  handlerFor(plain, (args) => args.m);
});

describe.each(testDrivers())('typed in-host handlers on %s', (driver) => {
  let f: WorkerFixture;
  const calls: string[] = [];
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.settings.setWorkerGroup('typed', { tags: ['typed'] });
    await f.settings.registerHandlers([send.path, plain.path]);
    for (const path of [send.path, plain.path])
      await f.settings.setScriptSettings(path, { tag: 'typed', maxAttempts: 1 });
    await f.start({
      group: 'typed',
      handlers: {
        ...handlerFor(send, async (args, { log }) => {
          calls.push(args.to);
          log(`to ${args.to}`);
          return { sent: args.to };
        }),
        ...handlerFor(plain, (args) => args.n * 2),
      },
    });
  });
  afterAll(() => f.drop());

  it('runs a typed push through a typed handler to a typed result', async () => {
    const id = await f.queue.push(send, { to: 'ada@example.com' });
    const job = await f.queue.wait(id, { timeoutMs: 30_000 });
    expect(job.status).toBe('success');
    if (job.status === 'success') expect(job.result.sent).toBe('ada@example.com');
    expect(await f.queue.logs(id)).toBe('to ada@example.com'); // log() writes the text as given
    const n = await f.finished(await f.queue.push(plain, { n: 21 }));
    expect(n).toMatchObject({ status: 'success', result: 42 });
  });

  it('checks args pushed without the definition with its parseArgs before the handler runs', async () => {
    const before = calls.length;
    const id = await f.queue.push(send.path, { to: 'nobody' });
    const job = await f.finished(id);
    expect(job.status).toBe('failure');
    expect(job.error?.message).toContain('to: expected an address, got nobody');
    expect(calls.length).toBe(before);
  });
});
