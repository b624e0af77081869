import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJobOptionsError } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

const success = (j: { id: string; token: string }) => ({
  id: j.id,
  token: j.token,
  status: 'success' as const,
  result: 1,
});

describe.each(testDrivers())('concurrency limits on %s', (driver) => {
  let f: QueueFixture;
  // each test its own script and tag, so their backlogs never meet
  let n = 0;
  async function limitedScript(maxRunning: number | null) {
    n += 1;
    const path = `f/limits/s${n}`;
    await f.settings.deployScript({ path, content: 'export const main = () => 1;', language: 'javascript' });
    await f.settings.setScriptSettings(path, { tag: `lim${n}`, maxRunning });
    return { path, tag: `lim${n}` };
  }

  beforeAll(async () => {
    f = await openQueueFixture(driver, { maxLostAttempts: 5 });
  });
  afterAll(() => f.drop());

  it('a script with maxRunning 2 never has more than 2 claimed, whatever the batch', async () => {
    const s = await limitedScript(2);
    await f.queue.pushMany(Array.from({ length: 5 }, (_, i) => ({ path: s.path, args: { i } })));
    const first = await f.queue.claim('w1', [s.tag], 10);
    expect(first.map((j) => j.args.i)).toEqual([0, 1]);
    expect(await f.queue.claim('w2', [s.tag], 10)).toEqual([]);
    await f.queue.complete([success(first[0])]);
    const next = await f.queue.claim('w2', [s.tag], 10);
    expect(next.map((j) => j.args.i)).toEqual([2]);
  });

  it('frees a slot on failure, on release, on reaping and on a timeout reported as a failure', async () => {
    const s = await limitedScript(1);
    await f.queue.pushMany(Array.from({ length: 4 }, (_, i) => ({ path: s.path, args: { i } })));
    const [a] = await f.queue.claim('w', [s.tag], 5);
    await f.queue.fail(a.id, a.token, { message: 'timed out', name: 'TimeoutError' }, false);
    const [b] = await f.queue.claim('w', [s.tag], 5);
    expect(b.args.i).toBe(1);
    expect(await f.queue.release([{ id: b.id, token: b.token }])).toEqual([b.id]);
    const [b2] = await f.queue.claim('w', [s.tag], 5);
    expect(b2.id).toBe(b.id);
    // its worker died: the slot stays taken until the reaper gives the job back
    expect(await f.queue.claim('w2', [s.tag], 5)).toEqual([]);
    await f.db.query("UPDATE millrace.job_queue SET last_ping = now() - interval '1 hour' WHERE id = $1", [
      b.id,
    ]);
    expect((await f.queue.reapZombies({ staleAfterMs: 60_000 })).requeued).toEqual([b.id]);
    const [b3] = await f.queue.claim('w2', [s.tag], 5);
    expect(b3.id).toBe(b.id);
  });

  it('frees a slot when a running job is canceled', async () => {
    const s = await limitedScript(1);
    const [x, y] = await f.queue.pushMany([
      { path: s.path, args: {} },
      { path: s.path, args: {} },
    ]);
    const [cx] = await f.queue.claim('w', [s.tag], 5);
    expect(cx.id).toBe(x);
    expect(await f.queue.cancel(x)).toEqual({ status: 'cancel_requested' });
    expect(await f.queue.claim('w', [s.tag], 5)).toEqual([]);
    await f.queue.complete([{ id: cx.id, token: cx.token, status: 'canceled' }]);
    expect((await f.queue.claim('w', [s.tag], 5)).map((j) => j.id)).toEqual([y]);
  });

  it("a full script's backlog does not hold back other scripts on the same tag", async () => {
    const s = await limitedScript(2);
    await f.queue.pushMany(Array.from({ length: 500 }, (_, i) => ({ path: s.path, args: { i } })));
    const free = await f.queue.pushMany(
      Array.from({ length: 20 }, (_, i) => ({ path: 'f/test/noop', args: { i }, tag: s.tag })),
    );
    const first = await f.queue.claim('w', [s.tag], 10);
    // pushed first, so two limited jobs lead; then only unlimited ones
    expect(first.filter((j) => j.path === s.path)).toHaveLength(2);
    expect(first.filter((j) => j.path === 'f/test/noop')).toHaveLength(8);
    const rest = await f.queue.claim('w', [s.tag], 100);
    expect(rest.map((j) => j.id).sort()).toEqual(free.slice(8).sort());
  });

  it('a concurrencyKey shares its limit between jobs of any script, per key', async () => {
    const s = await limitedScript(null);
    const push = (key: string, path = s.path) =>
      f.queue.push(path, {}, { tag: s.tag, concurrencyKey: key, concurrencyLimit: 1 });
    const a1 = await push('customer:a');
    await push('customer:a', 'f/test/noop');
    const b1 = await push('customer:b');
    const claimed = await f.queue.claim('w', [s.tag], 10);
    expect(claimed.map((j) => j.id).sort()).toEqual([a1, b1].sort());
    expect(await f.queue.get(a1)).toMatchObject({ concurrencyKey: 'customer:a', uniqueKey: null });
  });

  it("a concurrencyKey without a limit of its own takes the script's, per key", async () => {
    const s = await limitedScript(1);
    await f.queue.pushMany(
      ['x', 'x', 'y', 'y'].map((key) => ({ path: s.path, args: { key }, concurrencyKey: key })),
    );
    const claimed = await f.queue.claim('w', [s.tag], 10);
    expect(claimed.map((j) => j.args.key).sort()).toEqual(['x', 'y']);
  });

  it('refuses a concurrencyKey with no limit anywhere, and writes nothing', async () => {
    const s = await limitedScript(null);
    const before = await f.db.query('SELECT count(*)::int AS n FROM millrace.jobs');
    await expect(f.queue.push(s.path, {}, { concurrencyKey: 'k' })).rejects.toBeInstanceOf(
      InvalidJobOptionsError,
    );
    await expect(f.queue.push(s.path, {}, { concurrencyLimit: 2 } as never)).rejects.toMatchObject({
      code: 'invalid_job_options',
    });
    await expect(
      f.queue.push(s.path, {}, { concurrencyKey: 'k', concurrencyLimit: 0 }),
    ).rejects.toBeInstanceOf(InvalidJobOptionsError);
    expect(await f.db.query('SELECT count(*)::int AS n FROM millrace.jobs')).toEqual(before);
  });

  it('a changed maxRunning applies to jobs already queued', async () => {
    const s = await limitedScript(1);
    await f.queue.pushMany(Array.from({ length: 6 }, (_, i) => ({ path: s.path, args: { i } })));
    expect(await f.queue.claim('w', [s.tag], 10)).toHaveLength(1);
    await f.settings.setScriptSettings(s.path, { maxRunning: 3 });
    expect(await f.queue.claim('w', [s.tag], 10)).toHaveLength(2);
    expect((await f.settings.getScript(s.path)).settings).toMatchObject({ maxRunning: 3, rateLimit: null });
  });

  it('a limited job that ends wakes the workers of its tag (NOTIFY), an unlimited one does not', async () => {
    const s = await limitedScript(1);
    await f.queue.pushMany([
      { path: s.path, args: {} },
      { path: 'f/test/noop', args: {}, tag: s.tag },
    ]);
    const claimed = await f.queue.claim('w', [s.tag], 5);
    const seen: string[] = [];
    let marked!: () => void;
    const marker = new Promise<void>((r) => (marked = r));
    const unlisten = await f.db.listen('millrace_jobs', (tag) => {
      seen.push(tag);
      if (tag === `${s.tag}-marker`) marked();
    });
    try {
      const unlimited = claimed.find((j) => j.path === 'f/test/noop');
      const limited = claimed.find((j) => j.path === s.path);
      if (!unlimited || !limited) throw new Error('expected one job of each');
      await f.queue.complete([success(unlimited)]);
      await f.queue.complete([success(limited)]);
      await f.queue.push('f/test/noop', {}, { tag: `${s.tag}-marker` });
      await marker;
      expect(seen).toEqual([s.tag, `${s.tag}-marker`]);
    } finally {
      await unlisten();
    }
  });

  it('claims by priority across limited and unlimited jobs', async () => {
    const s = await limitedScript(5);
    const low = await f.queue.push('f/test/noop', {}, { tag: s.tag, priority: 0 });
    const high = await f.queue.push(s.path, {}, { priority: 10 });
    const claimed = await f.queue.claim('w', [s.tag], 1);
    expect(claimed.map((j) => j.id)).toEqual([high]);
    expect((await f.queue.claim('w', [s.tag], 1)).map((j) => j.id)).toEqual([low]);
  });
});
