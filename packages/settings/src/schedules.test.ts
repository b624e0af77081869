import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidFailureHandlerError,
  InvalidScheduleError,
  nextTicks,
  ScheduleNotFoundError,
  ScriptNotFoundError,
} from './index';
import { openSettingsFixture, type SettingsFixture } from './test-support';

const SCRIPT = 'f/sched/report';

describe.each(testDrivers())('schedule definitions on %s', (driver) => {
  let f: SettingsFixture;
  beforeAll(async () => {
    f = await openSettingsFixture(driver, [SCRIPT]);
  });
  afterAll(() => f.drop());

  it('creates a schedule with defaults, updates only what is given, lists and deletes it', async () => {
    const s = await f.settings.setSchedule('nightly', { path: SCRIPT, cron: '0 3 * * *' });
    expect(s).toMatchObject({
      name: 'nightly',
      path: SCRIPT,
      cron: '0 3 * * *',
      timezone: 'UTC',
      args: {},
      enabled: true,
      catchUp: 'one',
      lastTick: null,
      lastJobId: null,
    });
    expect(s.nextTick?.getUTCHours()).toBe(3);
    expect(s.nextTick?.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const u = await f.settings.setSchedule('nightly', { timezone: 'Asia/Tokyo', args: { full: true } });
    expect(u).toMatchObject({ cron: '0 3 * * *', timezone: 'Asia/Tokyo', args: { full: true } });
    expect(u.nextTick?.getUTCHours()).toBe(18); // 03:00 in Tokyo (UTC+9)
    expect(await f.settings.listSchedules()).toEqual([u]);
    expect(await f.settings.getSchedule('nightly')).toEqual(u);

    await f.settings.deleteSchedule('nightly');
    await expect(f.settings.getSchedule('nightly')).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(f.settings.deleteSchedule('nightly')).rejects.toMatchObject({ code: 'schedule_not_found' });
  });

  it.each([
    ['a bad name', 'Bad Name', { path: SCRIPT, cron: '* * * * *' }, /name/],
    ['a cron out of range', 'x', { path: SCRIPT, cron: '61 * * * *' }, /cron/],
    ['too few cron fields', 'x', { path: SCRIPT, cron: '* * *' }, /cron/],
    ['an ISO date for a cron', 'x', { path: SCRIPT, cron: '2030-01-23T00:00:00' }, /cron/],
    ['an unknown timezone', 'x', { path: SCRIPT, cron: '* * * * *', timezone: 'Mars/Olympus' }, /timezone/],
    ['args that are not an object', 'x', { path: SCRIPT, cron: '* * * * *', args: [1] }, /args/],
    ['an unknown key', 'x', { path: SCRIPT, cron: '* * * * *', every: 5 }, /unknown key/],
    ['a bad catchUp', 'x', { path: SCRIPT, cron: '* * * * *', catchUp: 'all' }, /catchUp/],
    ['a malformed path', 'x', { path: 'nope', cron: '* * * * *' }, /path/],
    ['no cron on create', 'x', { path: SCRIPT }, /required/],
    ['args over 256 KiB', 'x', { path: SCRIPT, cron: '* * * * *', args: { b: 'x'.repeat(262_144) } }, /args/],
  ])('refuses %s with InvalidScheduleError and writes nothing', async (_label, name, input, message) => {
    const err = await f.settings.setSchedule(name, input as never).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidScheduleError);
    expect(err.code).toBe('invalid_schedule');
    expect(err.message).toMatch(message);
    expect(await f.settings.listSchedules()).toEqual([]);
  });

  it('accepts nicknames and six fields (seconds first)', async () => {
    const daily = await f.settings.setSchedule('daily', { path: SCRIPT, cron: '@daily' });
    expect(daily.nextTick?.getUTCHours()).toBe(0);
    const fast = await f.settings.setSchedule('fast', { path: SCRIPT, cron: '*/15 * * * * *' });
    expect((fast.nextTick as Date).getTime() - Date.now()).toBeLessThan(16_000);
    await f.settings.deleteSchedule('daily');
    await f.settings.deleteSchedule('fast');
  });

  it('refuses a schedule of a script that does not exist', async () => {
    await expect(
      f.settings.setSchedule('ghost', { path: 'f/no/such', cron: '* * * * *' }),
    ).rejects.toBeInstanceOf(ScriptNotFoundError);
    expect(await f.settings.listSchedules()).toEqual([]);
  });

  it('disabling clears the next tick; a failed update leaves the schedule as it was', async () => {
    await f.settings.setSchedule('toggle', { path: SCRIPT, cron: '*/10 * * * *' });
    expect((await f.settings.setSchedule('toggle', { enabled: false })).nextTick).toBeNull();
    const before = await f.settings.getSchedule('toggle');
    await expect(
      f.settings.setSchedule('toggle', { cron: 'nope nope nope nope nope' }),
    ).rejects.toBeInstanceOf(InvalidScheduleError);
    expect(await f.settings.getSchedule('toggle')).toEqual(before);
    await f.settings.deleteSchedule('toggle');
  });

  it('failure handlers: set, list, remove; bad targets and unknown handler scripts are refused', async () => {
    await f.settings.deployScript({ path: 'f/ops/alert', content: 'export const main = () => 1;' });
    expect(await f.settings.setFailureHandler({ script: SCRIPT }, 'f/ops/alert')).toMatchObject({
      scope: 'script',
      target: SCRIPT,
      handler: 'f/ops/alert',
    });
    await f.settings.setFailureHandler({ group: 'default' }, 'f/ops/alert');
    expect((await f.settings.listFailureHandlers()).map((h) => [h.scope, h.target])).toEqual([
      ['script', SCRIPT],
      ['group', 'default'],
    ]);
    await expect(f.settings.setFailureHandler({ script: SCRIPT }, 'f/ops/missing')).rejects.toBeInstanceOf(
      ScriptNotFoundError,
    );
    await expect(f.settings.setFailureHandler({ tag: 'x' } as never, 'f/ops/alert')).rejects.toBeInstanceOf(
      InvalidFailureHandlerError,
    );
    await expect(f.settings.setFailureHandler({ script: SCRIPT }, 'bad')).rejects.toMatchObject({
      code: 'invalid_failure_handler',
    });
    await f.settings.setFailureHandler({ script: SCRIPT }, null);
    await f.settings.setFailureHandler({ group: 'default' }, null);
    expect(await f.settings.listFailureHandlers()).toEqual([]);
  });
});

describe('nextTicks', () => {
  it('lists upcoming ticks in the schedule timezone', () => {
    const ticks = nextTicks('0 9 * * 1-5', 'Europe/London', new Date('2026-07-03T12:00:00Z'), 3);
    // Friday 3 July 2026 after noon: next Mon, Tue, Wed at 09:00 BST (08:00 UTC)
    expect(ticks.map((t) => t.toISOString())).toEqual([
      '2026-07-06T08:00:00.000Z',
      '2026-07-07T08:00:00.000Z',
      '2026-07-08T08:00:00.000Z',
    ]);
  });
});
