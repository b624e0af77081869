import { InvalidArgumentError, Option } from 'commander';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `90m` → milliseconds; `0` keeps history forever. */
export function retentionDuration(value: string): number {
  if (value === '0') return 0;
  const match = /^(\d+)([mhd])$/.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]] : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError('expected a duration like 30d, 12h or 90m, or 0 to keep history forever');
  }
  return ms;
}

/** The `--retention` flag of the commands that run the history maintenance (server, dev, worker). */
export function retentionOption(): Option {
  return new Option(
    '--retention <duration>',
    'remove finished jobs, their logs and attempts this long after they finish (30d, 12h, 90m; 0 = keep forever)',
  )
    .default(undefined, '30d')
    .argParser(retentionDuration);
}
