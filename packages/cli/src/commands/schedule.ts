import type { CatchUp, Schedule, ScheduleInput } from '@millrace/settings';
import { type Command, Option } from 'commander';
import type { DbFlags } from '../database';
import type { Io } from '../io';
import { jsonObject } from '../parse-flags';
import { withSettings } from '../settings-access';

/**
 * `millrace schedule list|set|enable|disable|delete`: schedule definitions, straight on the
 * database like `deploy` (docs/schedules.md). Firing is the workers' and servers' job.
 */

interface SetFlags extends DbFlags {
  path?: string;
  cron?: string;
  timezone?: string;
  args?: Record<string, unknown>;
  catchUp?: CatchUp;
  disabled?: boolean;
}

const when = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : '-');

function describe(s: Schedule): string {
  return `${s.name}  ${s.enabled ? 'enabled ' : 'disabled'}  ${s.cron} (${s.timezone})  ${s.path}  next ${when(s.nextTick)}`;
}

async function list(flags: DbFlags, io: Io): Promise<void> {
  await withSettings(flags, io, async (settings, queue) => {
    const schedules = await settings.listSchedules();
    if (schedules.length === 0) io.out('no schedules');
    for (const s of schedules) {
      const last = s.lastJobId ? await queue.get(s.lastJobId).catch(() => null) : null;
      io.out(`${describe(s)}  last ${last ? `${when(s.lastTick)} job ${last.id} ${last.status}` : '-'}`);
    }
  });
}

async function set(name: string, flags: SetFlags, io: Io): Promise<void> {
  const input: ScheduleInput = {};
  if (flags.path !== undefined) input.path = flags.path;
  if (flags.cron !== undefined) input.cron = flags.cron;
  if (flags.timezone !== undefined) input.timezone = flags.timezone;
  if (flags.args !== undefined) input.args = flags.args;
  if (flags.catchUp !== undefined) input.catchUp = flags.catchUp;
  if (flags.disabled) input.enabled = false;
  await withSettings(flags, io, async (settings) =>
    io.out(describe(await settings.setSchedule(name, input))),
  );
}

async function toggle(name: string, enabled: boolean, flags: DbFlags, io: Io): Promise<void> {
  await withSettings(flags, io, async (settings) =>
    io.out(describe(await settings.setSchedule(name, { enabled }))),
  );
}

async function remove(name: string, flags: DbFlags, io: Io): Promise<void> {
  await withSettings(flags, io, async (settings) => {
    await settings.deleteSchedule(name);
    io.out(`deleted schedule ${name}`);
  });
}

/** Adds `schedule` and its subcommands; `withDb` adds the database flags every command takes. */
export function registerScheduleCommand(program: Command, io: Io, withDb: (cmd: Command) => Command): void {
  const schedule = program
    .command('schedule')
    .description('cron schedules: list, set, enable, disable, delete');
  withDb(schedule.command('list').description('every schedule, its next tick and last run')).action((flags) =>
    list(flags, io),
  );
  withDb(
    schedule
      .command('set')
      .description('create or update schedule NAME (fields left out keep their value)')
      .argument('<name>', 'schedule name (a-z 0-9 _ -)')
      .option('--path <path>', 'script to run at each tick (required to create)')
      .option(
        '--cron <expr>',
        "5 fields, 6 (seconds first) or @daily… (required to create), e.g. '0 3 * * *'",
      )
      .option('--timezone <iana>', 'timezone the cron is read in (default UTC)')
      .option('--args <json>', "the job's args, a JSON object", jsonObject)
      .addOption(new Option('--catch-up <policy>', 'ticks missed while nothing ran').choices(['one', 'skip']))
      .option('--disabled', 'create or leave it disabled'),
  ).action((name, flags) => set(name, flags, io));
  withDb(schedule.command('enable').argument('<name>').description('fire again, from the next tick')).action(
    (name, flags) => toggle(name, true, flags, io),
  );
  withDb(schedule.command('disable').argument('<name>').description('stop firing')).action((name, flags) =>
    toggle(name, false, flags, io),
  );
  withDb(schedule.command('delete').argument('<name>').description('remove the schedule')).action(
    (name, flags) => remove(name, flags, io),
  );
}
