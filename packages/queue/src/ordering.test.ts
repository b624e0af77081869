import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, openQueueFixture, type QueueFixture } from './test-support';

describe.each(testDrivers())('claim order and scheduling on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('claims by priority, then scheduled time, then id', async () => {
    const low = await f.queue.push('f/test/noop', {}, { tag: 'order', priority: -5 });
    const a = await f.queue.push('f/test/noop', {}, { tag: 'order' });
    const high = await f.queue.push('f/test/noop', {}, { tag: 'order', priority: 10 });
    const b = await f.queue.push('f/test/noop', {}, { tag: 'order' });
    const early = await f.queue.push(
      'f/test/noop',
      {},
      { tag: 'order', scheduledFor: new Date(Date.now() - 60_000) },
    );
    expect(await drain(f.queue, ['order'])).toEqual([high, early, a, b, low]);
  });

  it('does not claim a job scheduled in the future', async () => {
    const later = await f.queue.push(
      'f/test/noop',
      {},
      { tag: 'later', scheduledFor: new Date(Date.now() + 3_600_000) },
    );
    expect(await f.queue.claim('w', ['later'], 10)).toEqual([]);
    expect((await f.queue.get(later)).status).toBe('queued');
  });

  it('claims only the tags asked for, and no more than the limit', async () => {
    await f.queue.pushMany([1, 2, 3].map(() => ({ path: 'f/test/noop', tag: 'mine' })));
    await f.queue.push('f/test/noop', {}, { tag: 'theirs' });
    const jobs = await f.queue.claim('w', ['mine', 'nobody'], 2);
    expect(jobs.map((j) => j.tag)).toEqual(['mine', 'mine']);
    expect(await f.queue.claim('w', ['mine'], 10)).toHaveLength(1);
    expect(await f.queue.claim('w', ['theirs'], 0)).toEqual([]);
  });

  it('uses the script settings as defaults and explicit options over them', async () => {
    await f.settings.setScriptSettings('f/test/other', {
      tag: 'special',
      priority: 7,
      maxAttempts: 3,
      timeoutMs: 5000,
    });
    const id = await f.queue.push('f/test/other');
    expect(await f.queue.get(id)).toMatchObject({
      tag: 'special',
      priority: 7,
      maxAttempts: 3,
      timeoutMs: 5000,
    });
    const id2 = await f.queue.push(
      'f/test/other',
      {},
      { tag: 'x', priority: 1, maxAttempts: 1, timeoutMs: null },
    );
    expect(await f.queue.get(id2)).toMatchObject({ tag: 'x', priority: 1, maxAttempts: 1, timeoutMs: null });
    await f.settings.setScriptSettings('f/test/other', { dedicated: true });
    expect((await f.queue.get(await f.queue.push('f/test/other'))).tag).toBe('dedicated:f/test/other');
  });

  it('keeps a queued job on its version when the script is redeployed', async () => {
    const before = await f.queue.push('f/test/noop', {}, { tag: 'version' });
    const v2 = await f.settings.deployScript({
      path: 'f/test/noop',
      content: 'export const main = () => 2;',
      language: 'javascript',
    });
    const after = await f.queue.push('f/test/noop', {}, { tag: 'version' });
    const [a, b] = await f.queue.claim('w', ['version'], 2);
    expect(a.id).toBe(before);
    expect(a.hash).not.toBe(v2.hash);
    expect(b).toMatchObject({ id: after, hash: v2.hash });
  });
});
