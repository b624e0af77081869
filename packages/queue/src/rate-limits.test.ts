import { openDb } from '@millrace/db';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

// Windows of a minute or more: nothing here depends on how fast the machine is. Time passing is
// simulated by moving the recorded starts back, which is what the window is computed from.
describe.each(testDrivers())('rate limits on %s', (driver) => {
  let f: QueueFixture;
  let n = 0;
  async function ratedScript(max: number, windowMs: number) {
    n += 1;
    const path = `f/rate/s${n}`;
    await f.settings.deployScript({ path, content: 'export const main = () => 1;', language: 'javascript' });
    await f.settings.setScriptSettings(path, { tag: `rate${n}`, rateLimit: { max, windowMs } });
    return { path, tag: `rate${n}`, key: `script:${path}` };
  }
  const age = (key: string, seconds: number) =>
    f.db.query(
      `UPDATE millrace.flow_limits SET recent_starts = ARRAY(SELECT s - make_interval(secs => $2) FROM unnest(recent_starts) s)
       WHERE key = $1`,
      [key, seconds],
    );

  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('at most N starts per window, however many finish in between', async () => {
    const s = await ratedScript(3, 60_000);
    await f.queue.pushMany(Array.from({ length: 10 }, (_, i) => ({ path: s.path, args: { i } })));
    const first = await f.queue.claim('w', [s.tag], 10);
    expect(first.map((j) => j.args.i)).toEqual([0, 1, 2]);
    await f.queue.complete(
      first.map((j) => ({ id: j.id, token: j.token, status: 'success' as const, result: 1 })),
    );
    expect(await f.queue.claim('w', [s.tag], 10)).toEqual([]);
  });

  it('the window slides: starts older than the window stop counting, one by one', async () => {
    const s = await ratedScript(2, 60_000);
    await f.queue.pushMany(Array.from({ length: 10 }, (_, i) => ({ path: s.path, args: { i } })));
    expect(await f.queue.claim('w', [s.tag], 1)).toHaveLength(1);
    await age(s.key, 40);
    expect(await f.queue.claim('w', [s.tag], 10)).toHaveLength(1);
    expect(await f.queue.claim('w', [s.tag], 10)).toHaveLength(0);
    // the first start is now 61 s old, the second 21 s: one slot
    await age(s.key, 21);
    expect(await f.queue.claim('w', [s.tag], 10)).toHaveLength(1);
    expect(await f.queue.claim('w', [s.tag], 10)).toHaveLength(0);
  });

  it('a rate-limited key beside unlimited jobs: they go on', async () => {
    const s = await ratedScript(1, 60_000);
    await f.queue.pushMany(Array.from({ length: 5 }, () => ({ path: s.path, args: {} })));
    await f.queue.pushMany(Array.from({ length: 5 }, () => ({ path: 'f/test/noop', args: {}, tag: s.tag })));
    const claimed = await f.queue.claim('w', [s.tag], 20);
    expect(claimed.filter((j) => j.path === s.path)).toHaveLength(1);
    expect(claimed.filter((j) => j.path === 'f/test/noop')).toHaveLength(5);
  });

  it('a concurrency key with a rate limit of its own', async () => {
    await f.queue.pushMany(
      Array.from({ length: 6 }, (_, i) => ({
        path: 'f/test/noop',
        args: { i },
        tag: 'rate-key',
        concurrencyKey: 'smtp',
        rateLimit: { max: 4, windowMs: 3_600_000 },
      })),
    );
    expect(await f.queue.claim('w', ['rate-key'], 10)).toHaveLength(4);
    expect(await f.queue.claim('w', ['rate-key'], 10)).toHaveLength(0);
  });

  it.runIf(driver === 'postgres')('8 claimers at once share one window: exactly N start', async () => {
    const s = await ratedScript(5, 3_600_000);
    await f.queue.pushMany(Array.from({ length: 100 }, (_, i) => ({ path: s.path, args: { i } })));
    const claimed = await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        const db = await openDb({ url: f.url, poolSize: 1, migrate: false });
        const queue = new Queue(db);
        try {
          let mine = 0;
          for (let round = 0; round < 20; round++) mine += (await queue.claim(`w${w}`, [s.tag], 3)).length;
          return mine;
        } finally {
          await db.close();
        }
      }),
    );
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(5);
  });
});
