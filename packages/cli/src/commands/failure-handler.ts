import type { FailureHandler, FailureHandlerTarget } from '@millrace/settings';
import type { Command } from 'commander';
import type { DbFlags } from '../database';
import { CliError } from '../errors';
import type { Io } from '../io';
import { withSettings } from '../settings-access';

/**
 * `millrace failure-handler list|set|clear`: the script pushed once for each job of a script, or
 * run by a worker group, that fails for good (docs/schedules.md#failure-handlers).
 */

interface TargetFlags extends DbFlags {
  script?: string;
  group?: string;
}

function targetOf(flags: TargetFlags): FailureHandlerTarget {
  if ((flags.script === undefined) === (flags.group === undefined))
    throw new CliError('bad_flags', 'give one of --script PATH or --group NAME');
  return flags.script !== undefined ? { script: flags.script } : { group: flags.group as string };
}

const describe = (h: FailureHandler) => `${h.scope} ${h.target}  →  ${h.handler}`;
const named = (t: FailureHandlerTarget) => ('script' in t ? `script ${t.script}` : `group ${t.group}`);

async function list(flags: DbFlags, io: Io): Promise<void> {
  await withSettings(flags, io, async (settings) => {
    const handlers = await settings.listFailureHandlers();
    if (handlers.length === 0) io.out('no failure handlers');
    for (const h of handlers) io.out(describe(h));
  });
}

async function set(handler: string, flags: TargetFlags, io: Io): Promise<void> {
  const target = targetOf(flags);
  await withSettings(flags, io, async (settings) => {
    const saved = await settings.setFailureHandler(target, handler);
    if (saved) io.out(describe(saved));
  });
}

async function clear(flags: TargetFlags, io: Io): Promise<void> {
  const target = targetOf(flags);
  await withSettings(flags, io, async (settings) => {
    const [scope, name] = 'script' in target ? ['script', target.script] : ['group', target.group];
    const had = (await settings.listFailureHandlers()).some((h) => h.scope === scope && h.target === name);
    await settings.setFailureHandler(target, null);
    io.out(
      had ? `removed the failure handler of ${named(target)}` : `${named(target)} had no failure handler`,
    );
  });
}

const withTarget = (cmd: Command) =>
  cmd
    .option('--script <path>', "the script whose jobs' final failures it handles")
    .option('--group <name>', 'the worker group whose final failures it handles');

/** Adds `failure-handler` and its subcommands; `withDb` adds the database flags every command takes. */
export function registerFailureHandlerCommand(
  program: Command,
  io: Io,
  withDb: (cmd: Command) => Command,
): void {
  const fh = program
    .command('failure-handler')
    .description('scripts run once for each job that fails for good: list, set, clear');
  withDb(fh.command('list').description('every failure handler')).action((flags) => list(flags, io));
  withDb(
    withTarget(
      fh
        .command('set')
        .description('run script HANDLER for each final failure of --script PATH or --group NAME')
        .argument('<handler>', 'the handler script path (it must be deployed)'),
    ),
  ).action((handler, flags) => set(handler, flags, io));
  withDb(
    withTarget(
      fh.command('clear').description('remove the failure handler of --script PATH or --group NAME'),
    ),
  ).action((flags) => clear(flags, io));
}
