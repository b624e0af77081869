import { Command, Option } from 'commander';
import { deployCommand } from './commands/deploy';
import { devCommand } from './commands/dev';
import { registerFailureHandlerCommand } from './commands/failure-handler';
import { migrateCommand } from './commands/migrate';
import { runCommand } from './commands/run';
import { registerScheduleCommand } from './commands/schedule';
import { registerScriptCommand } from './commands/script';
import { serverCommand } from './commands/server';
import { workerCommand } from './commands/worker';
import { DEFAULT_DATA_DIR } from './database';
import { type Io, processIo } from './io';
import { collect, jsonObject, nonNegativeInt, port, positiveInt, rateLimit } from './parse-flags';
import { retentionOption } from './retention-flag';

function dbOptions(cmd: Command): Command {
  return cmd
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL; none = embedded PGlite)')
    .option('--data-dir <dir>', 'embedded PGlite directory when no database URL is given', DEFAULT_DATA_DIR);
}

/**
 * The `millrace` command. Commander errors throw (exitOverride) instead of exiting, so tests and
 * bin.ts decide; handlers live in commands/, one file each.
 */
export function buildProgram(io: Io = processIo): Command {
  const program = new Command('millrace')
    .description('Run scripts as jobs on workers through a PostgreSQL queue.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  dbOptions(
    program
      .command('dev')
      .description('database + server + UI on 127.0.0.1 + a worker, with example scripts')
      .option('--port <port>', 'port to listen on', port, 8787)
      .option('--allowed-host <host>', 'answer this Host name too, besides loopback (repeatable)', collect)
      .option('--no-dedicated', 'do not start the dedicated worker of the example email group')
      .addOption(retentionOption()),
  ).action((flags) => devCommand(flags, io));

  dbOptions(
    program
      .command('server')
      .description('the HTTP API and the UI (no worker)')
      .option('--host <host>', 'interface to bind (a token is required off loopback)', '127.0.0.1')
      .option('--port <port>', 'port to listen on', port, 8787)
      .option('--token-file <file>', 'read the bearer token from this file (first line)')
      .option('--token <token>', 'bearer token (visible in ps: prefer $MILLRACE_TOKEN or --token-file)')
      .option('--allowed-host <host>', 'answer this Host name too, besides loopback (repeatable)', collect)
      .option(
        '--ui-dir <dir>',
        'the UI build to serve (default: $MILLRACE_UI_DIR, else the one shipped with @millrace/server)',
      )
      .addOption(retentionOption()),
  ).action((flags) => serverCommand(flags, io));

  dbOptions(
    program
      .command('worker')
      .description("a worker that follows its group's config live (generic or dedicated)")
      .requiredOption('--group <name>', 'worker group to serve')
      .option('--concurrency <n>', "jobs at once (default: the group's concurrency)", positiveInt)
      .option('--name <name>', 'worker name (default: group-host-pid-random)')
      .addOption(retentionOption()),
  ).action((flags) => workerCommand(flags, io));

  dbOptions(program.command('migrate').description('bring the database schema up to date')).action((flags) =>
    migrateCommand(flags, io),
  );

  dbOptions(
    program
      .command('deploy')
      .description('deploy FILE as script PATH, or every .ts/.js/.py under --dir as f/<relative path>')
      .argument('[path]', 'script path, e.g. f/billing/charge')
      .argument('[file]', 'the script file')
      .option('--dir <dir>', 'deploy a whole directory')
      .addOption(
        new Option('--language <language>', 'default: from the file extension').choices([
          'typescript',
          'javascript',
          'python',
        ]),
      ),
  ).action((path, file, flags) => deployCommand(path, file, flags, io));

  dbOptions(
    program
      .command('run')
      .description('push a job of script PATH; prints its id, or its result with --wait')
      .argument('<path>', 'script path')
      .option('--args <json>', 'args as a JSON object', jsonObject, {})
      .option('--wait', 'wait for the result; exit 1 if the job fails')
      .option('--count <n>', 'push n jobs with the same args', positiveInt)
      .option('--timeout <ms>', 'how long --wait waits', positiveInt, 60_000)
      .option('--tag <tag>', "route to this tag instead of the script's")
      // flow control (docs/flow-control.md)
      .option('--unique-key <key>', 'at most one queued job per key: a second push prints the queued job id')
      .option('--unique-while-running', 'with --unique-key: a running job of the key counts too')
      .option(
        '--debounce <ms>',
        'with --unique-key: replace the queued job args, start it <ms> from now',
        nonNegativeInt,
      )
      .option(
        '--concurrency-key <key>',
        "jobs of this key share one limit (default: the script's maxRunning)",
      )
      .option('--concurrency-limit <n>', 'running jobs of --concurrency-key at once', positiveInt)
      .option(
        '--rate-limit <max/ms>',
        'starts of --concurrency-key per sliding window, e.g. 10/60000',
        rateLimit,
      ),
  ).action((path, flags) => runCommand(path, flags, io));

  registerScheduleCommand(program, io, dbOptions);
  registerScriptCommand(program, io, dbOptions);
  registerFailureHandlerCommand(program, io, dbOptions);
  return program;
}
