import { openDb } from '@millrace/db';
import { Settings } from '@millrace/settings';
import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Scheduler } from './index';
import { openQueueFixture, type QueueFixture } from './test-support';

const SECOND = 1000;
const at = (iso: string) => new Date(iso);

/** Moves a schedule's next tick, as time passing would (the firing path itself is untouched). */
async function setNextTick(f: QueueFixture, name: string, tick: Date) {
  await f.db.query('UPDATE millrace.schedules SET next_tick = $2 WHERE name = $1', [name, tick]);
}

async function jobsOf(f: QueueFixture, name: string) {
  const { rows } = await f.db.query<{ job_id: string; tick: Date }>(
    'SELECT job_id::text, tick FROM millrace.schedule_runs WHERE schedule = $1 ORDER BY tick',
    [name],
  );
  return rows;
}

describe.each(testDrivers())('schedules on %s', (driver) => {
  let f: QueueFixture;
  beforeAll(async () => {
    f = await openQueueFixture(driver);
  });
  afterAll(() => f.drop());

  it('turns a due tick into one job that records its schedule and tick, then waits for the next', async () => {
    const s = await f.settings.setSchedule('hourly', {
      path: 'f/test/noop',
      cron: '0 * * * *',
      args: { n: 1 },
    });
    expect(s.nextTick).toBeInstanceOf(Date);
    // nothing is due yet: the first tick is after the schedule was created
    expect((await f.queue.fireDueSchedules()).fired).toEqual([]);

    const tick = s.nextTick as Date;
    const report = await f.queue.fireDueSchedules({ now: new Date(tick.getTime() + SECOND) });
    expect(report.fired).toHaveLength(1);
    const { jobId } = report.fired[0];
    const job = await f.queue.get(jobId as string);
    expect(job).toMatchObject({ path: 'f/test/noop', args: { n: 1 }, status: 'queued' });
    expect(job.schedule).toEqual({ name: 'hourly', tick });

    const after = await f.settings.getSchedule('hourly');
    expect(after.lastTick).toEqual(tick);
    expect(after.lastJobId).toBe(jobId);
    expect(after.nextTick).toEqual(new Date(tick.getTime() + 3600 * SECOND));
    // the same moment again fires nothing: the tick is spent
    expect((await f.queue.fireDueSchedules({ now: new Date(tick.getTime() + SECOND) })).fired).toEqual([]);
    expect(await jobsOf(f, 'hourly')).toHaveLength(1);
    await f.settings.deleteSchedule('hourly');
  });

  it("pushes a scheduled run through the script's limits like any push (maxRunning holds)", async () => {
    const path = 'f/test/limited-cron';
    await f.settings.deployScript({ path, content: 'export const main = () => 1;', language: 'javascript' });
    await f.settings.setScriptSettings(path, { tag: 'limited-cron', maxRunning: 1 });
    const ticks: Date[] = [];
    for (const name of ['limited-a', 'limited-b']) {
      const s = await f.settings.setSchedule(name, { path, cron: '0 * * * *' });
      ticks.push(s.nextTick as Date);
    }
    const now = new Date(Math.max(...ticks.map((t) => t.getTime())) + SECOND);
    expect((await f.queue.fireDueSchedules({ now })).fired).toHaveLength(2);
    // two queued runs of a script that may run one at a time: one claim gets one
    expect(await f.queue.claim('w1', ['limited-cron'], 10)).toHaveLength(1);
    expect(await f.queue.claim('w2', ['limited-cron'], 10)).toEqual([]);
    for (const name of ['limited-a', 'limited-b']) await f.settings.deleteSchedule(name);
  });

  it('two schedulers racing for the same ticks make exactly one job per tick', async () => {
    // A second Queue with its own connection pool (PostgreSQL) or on the same instance (PGlite).
    const other = f.url ? await openDb({ url: f.url }) : f.db;
    const q2 = new Queue(other, { settings: new Settings(other) });
    try {
      const s = await f.settings.setSchedule('race', { path: 'f/test/noop', cron: '* * * * * *' });
      let tick = s.nextTick as Date;
      for (let round = 0; round < 20; round++) {
        const now = new Date(tick.getTime() + 10);
        const reports = await Promise.all([
          f.queue.fireDueSchedules({ now }),
          q2.fireDueSchedules({ now }),
          f.queue.fireDueSchedules({ now }),
          q2.fireDueSchedules({ now }),
        ]);
        const fired = reports.flatMap((r) => r.fired);
        expect(reports.flatMap((r) => r.errors)).toEqual([]);
        expect(fired.map((t) => t.tick)).toEqual([tick]);
        tick = new Date(tick.getTime() + SECOND);
      }
      const runs = await jobsOf(f, 'race');
      expect(runs).toHaveLength(20);
      expect(new Set(runs.map((r) => r.job_id)).size).toBe(20);
      const { rows } = await f.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM millrace.jobs WHERE path = 'f/test/noop' AND id IN (SELECT job_id FROM millrace.schedule_runs WHERE schedule = 'race')",
      );
      expect(rows[0].n).toBe(20);
    } finally {
      await f.settings.deleteSchedule('race');
      if (other !== f.db) await other.close();
    }
  });

  it("catchUp 'one' runs one job for ticks missed while nothing ran, then resumes after now", async () => {
    const s = await f.settings.setSchedule('catch-one', { path: 'f/test/noop', cron: '*/5 * * * *' });
    const first = s.nextTick as Date;
    const now = new Date(first.getTime() + 17 * 60 * SECOND); // 4 ticks passed: +0, +5, +10, +15 min
    const report = await f.queue.fireDueSchedules({ now });
    expect(report.fired.map((t) => t.tick)).toEqual([first]);
    expect(report.fired[0].jobId).not.toBeNull();
    expect((await f.settings.getSchedule('catch-one')).nextTick).toEqual(
      new Date(first.getTime() + 20 * 60 * SECOND),
    );
    expect((await f.queue.fireDueSchedules({ now })).fired).toEqual([]);
    expect(await jobsOf(f, 'catch-one')).toHaveLength(1);
    await f.settings.deleteSchedule('catch-one');
  });

  it("catchUp 'skip' drops missed ticks (and ticks seen over a minute late) and resumes after now", async () => {
    const s = await f.settings.setSchedule('catch-skip', {
      path: 'f/test/noop',
      cron: '0 * * * *',
      catchUp: 'skip',
    });
    const first = s.nextTick as Date;
    // three hourly ticks passed
    let report = await f.queue.fireDueSchedules({ now: new Date(first.getTime() + 2.5 * 3600 * SECOND) });
    expect(report.fired).toEqual([{ schedule: 'catch-skip', tick: first, jobId: null }]);
    const next = (await f.settings.getSchedule('catch-skip')).nextTick as Date;
    expect(next).toEqual(new Date(first.getTime() + 3 * 3600 * SECOND));
    // the next tick seen 10 minutes late (no later tick due yet): still missed under 'skip'
    report = await f.queue.fireDueSchedules({ now: new Date(next.getTime() + 10 * 60 * SECOND) });
    expect(report.fired).toEqual([{ schedule: 'catch-skip', tick: next, jobId: null }]);
    // on time: runs
    const onTime = (await f.settings.getSchedule('catch-skip')).nextTick as Date;
    report = await f.queue.fireDueSchedules({ now: new Date(onTime.getTime() + 5 * SECOND) });
    expect(report.fired).toHaveLength(1);
    expect(report.fired[0].jobId).not.toBeNull();
    expect(await jobsOf(f, 'catch-skip')).toHaveLength(1);
    await f.settings.deleteSchedule('catch-skip');
  });

  /** Fires schedule `name` `count` times, each a second after its next tick; the ticks fired (ISO). */
  async function fireEachTick(name: string, count: number): Promise<string[]> {
    const ticks: string[] = [];
    for (let i = 0; i < count; i++) {
      const due = (await f.settings.getSchedule(name)).nextTick as Date;
      const report = await f.queue.fireDueSchedules({ now: new Date(due.getTime() + SECOND) });
      expect(report.fired).toHaveLength(1);
      ticks.push(report.fired[0].tick.toISOString());
    }
    return ticks;
  }

  it('a 02:30 daily job runs at 03:00 on a spring-forward day and at 02:30 the days around it', async () => {
    // Europe/Berlin springs forward on 2027-03-28: 02:00 CET becomes 03:00 CEST, 02:30 does not exist.
    await f.settings.setSchedule('dst', {
      path: 'f/test/noop',
      cron: '30 2 * * *',
      timezone: 'Europe/Berlin',
    });
    await setNextTick(f, 'dst', at('2027-03-27T01:30:00Z')); // 02:30 CET
    expect(await fireEachTick('dst', 3)).toEqual([
      '2027-03-27T01:30:00.000Z', // 02:30 CET
      '2027-03-28T01:00:00.000Z', // 03:00 CEST: the first valid time after the gap, that same day
      '2027-03-29T00:30:00.000Z', // 02:30 CEST
    ]);
    expect(await jobsOf(f, 'dst')).toHaveLength(3);
    await f.settings.deleteSchedule('dst');
  });

  it('a 01:30 daily job runs once on a fall-back day, when 01:30 happens twice', async () => {
    // America/New_York falls back on 2026-11-01: 01:00–02:00 happens twice (EDT, then EST).
    await f.settings.setSchedule('dst-fall', {
      path: 'f/test/noop',
      cron: '30 1 * * *',
      timezone: 'America/New_York',
    });
    await setNextTick(f, 'dst-fall', at('2026-10-31T05:30:00Z')); // 01:30 EDT on the 31st
    expect(await fireEachTick('dst-fall', 3)).toEqual([
      '2026-10-31T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, the first of the two; not again at 06:30Z (01:30 EST)
      '2026-11-02T06:30:00.000Z', // 01:30 EST
    ]);
    await f.settings.deleteSchedule('dst-fall');
  });

  it('a disabled schedule fires nothing; re-enabled, it starts from the next tick after now', async () => {
    const s = await f.settings.setSchedule('paused', { path: 'f/test/noop', cron: '* * * * *' });
    const due = new Date((s.nextTick as Date).getTime() + SECOND);
    const off = await f.settings.setSchedule('paused', { enabled: false });
    expect(off.nextTick).toBeNull();
    expect((await f.queue.fireDueSchedules({ now: due })).fired).toEqual([]);
    const on = await f.settings.setSchedule('paused', { enabled: true });
    expect(on.nextTick?.getTime()).toBeGreaterThan(Date.now() - 60 * SECOND);
    expect(await jobsOf(f, 'paused')).toHaveLength(0);
    await f.settings.deleteSchedule('paused');
  });

  it('the Scheduler loop fires a schedule every second, one job a tick, until stopped', async () => {
    const other = f.url ? await openDb({ url: f.url }) : f.db;
    const loops = [
      new Scheduler(f.queue, { intervalMs: 50 }),
      new Scheduler(new Queue(other, { settings: new Settings(other) }), { intervalMs: 50 }),
    ];
    try {
      await f.settings.setSchedule('loop', { path: 'f/test/other', cron: '* * * * * *' });
      await Promise.all(loops.map((l) => l.start()));
      await waitFor(async () => (await jobsOf(f, 'loop')).length >= 3, { message: 'three ticks fired' });
    } finally {
      await Promise.all(loops.map((l) => l.stop()));
      if (other !== f.db) await other.close();
    }
    const runs = await jobsOf(f, 'loop');
    const ticks = runs.map((r) => new Date(r.tick).getTime());
    expect(new Set(ticks).size).toBe(runs.length);
    const jobs = await f.queue.list({ path: 'f/test/other', limit: 1000 });
    expect(jobs.length).toBe(runs.length);
    await f.settings.deleteSchedule('loop');
  });

  it('a sleeping Scheduler is woken by a schedule being set, then sleeps until each next tick', async () => {
    await f.db.query('DELETE FROM millrace.schedules');
    const fired: string[] = [];
    // no schedule and a 10-minute longest sleep: after its first pass (start() awaits it), only
    // the NOTIFY of the write below and then its next-tick timer can wake it
    const loop = await new Scheduler(f.queue, {
      intervalMs: 600_000,
      onPass: (p) => fired.push(...p.fired.map((t) => t.schedule)),
    }).start();
    try {
      await f.settings.setSchedule('woken', { path: 'f/test/other', cron: '* * * * * *' });
      await waitFor(async () => (await jobsOf(f, 'woken')).length >= 3, { message: 'three ticks fired' });
    } finally {
      await loop.stop();
    }
    expect(fired.filter((name) => name === 'woken').length).toBeGreaterThanOrEqual(3);
    await f.settings.deleteSchedule('woken');
  });
});
