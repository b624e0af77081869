import type { RateLimit, ScriptSettings, ScriptSettingsPatch } from '@millrace/settings';
import type { Command } from 'commander';
import type { DbFlags } from '../database';
import type { Io } from '../io';
import { integer, positiveInt, rateLimit } from '../parse-flags';
import { withSettings } from '../settings-access';

/**
 * `millrace script settings PATH [flags]`: a script's settings (docs/flow-control.md, README), read
 * or changed straight on the database like `deploy`. Flags left out keep their value; `--no-X`
 * removes a limit. The settings package validates the patch: bad values change nothing.
 */

interface SettingsFlags extends DbFlags {
  dedicated?: boolean;
  tag?: string | false;
  timeout?: number | false;
  maxAttempts?: number;
  priority?: number;
  maxRunning?: number | false;
  rateLimit?: RateLimit | false;
}

const orNull = <T>(v: T | false | undefined): T | null | undefined => (v === false ? null : v);

function patchOf(flags: SettingsFlags): ScriptSettingsPatch {
  const patch: ScriptSettingsPatch = {
    dedicated: flags.dedicated,
    tag: orNull(flags.tag),
    timeoutMs: orNull(flags.timeout),
    maxAttempts: flags.maxAttempts,
    priority: flags.priority,
    maxRunning: orNull(flags.maxRunning),
    rateLimit: orNull(flags.rateLimit),
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

function describe(path: string, s: ScriptSettings, resolvedTag: string): string {
  const rate = s.rateLimit ? `${s.rateLimit.max}/${s.rateLimit.windowMs}ms` : '-';
  return [
    path,
    `tag ${s.tag ?? '-'} (jobs get ${resolvedTag})`,
    `dedicated ${s.dedicated ? 'yes' : 'no'}`,
    `timeout ${s.timeoutMs === null ? 'default' : `${s.timeoutMs}ms`}`,
    `max-attempts ${s.maxAttempts}`,
    `priority ${s.priority}`,
    `max-running ${s.maxRunning ?? '-'}`,
    `rate-limit ${rate}`,
  ].join('  ');
}

async function settingsCommand(path: string, flags: SettingsFlags, io: Io): Promise<void> {
  const patch = patchOf(flags);
  await withSettings(flags, io, async (settings) => {
    if (Object.keys(patch).length === 0) {
      const script = await settings.getScript(path);
      io.out(describe(path, script.settings, script.resolvedTag));
      return;
    }
    const saved = await settings.setScriptSettings(path, patch);
    io.out(describe(path, saved.settings, saved.resolvedTag));
  });
}

/** Adds `script` and its subcommands; `withDb` adds the database flags every command takes. */
export function registerScriptCommand(program: Command, io: Io, withDb: (cmd: Command) => Command): void {
  const script = program.command('script').description("a deployed script's settings");
  withDb(
    script
      .command('settings')
      .description("show script PATH's settings, or change those given (the others keep their value)")
      .argument('<path>', 'script path, e.g. f/billing/charge')
      .option('--dedicated', 'new jobs get the tag dedicated:PATH (Dedicated Workers)')
      .option('--no-dedicated', 'new jobs get the tag below, or the default one')
      .option('--tag <tag>', 'route new jobs to this tag')
      .option('--no-tag', 'use the default tag (node)')
      .option('--timeout <ms>', 'a job running longer fails', positiveInt)
      .option('--no-timeout', "use the worker group's default timeout")
      .option('--max-attempts <n>', 'attempts before a failing job fails for good', positiveInt)
      .option('--priority <n>', 'higher is claimed first (-1000 to 1000)', integer)
      .option('--max-running <n>', 'at most n of its jobs run at once, on all workers', positiveInt)
      .option('--no-max-running', 'remove the limit')
      .option('--rate-limit <max/ms>', 'at most max starts in any window of ms, e.g. 10/60000', rateLimit)
      .option('--no-rate-limit', 'remove the rate limit'),
  ).action((path, flags) => settingsCommand(path, flags, io));
}
