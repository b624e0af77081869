/**
 * Cron ticks of a schedule, through croner (docs/schedules.md): 5 fields (minute precision) or 6
 * (seconds first), or a nickname such as `@daily`, read in an IANA timezone. DST follows croner
 * (as Vixie cron): a fixed time that does not exist on a spring-forward day (02:30) runs at the
 * first valid time after the gap (03:00) that same day; a time that occurs twice runs once.
 */
import { Cron } from 'croner';

export interface CronTicks {
  /** The first tick strictly after `after`, or null when the expression has no more. */
  next(after: Date): Date | null;
}

/** Parses `cron` in `timezone`; throws (croner's message) when either is not valid. */
export function cronTicks(cron: string, timezone: string): CronTicks {
  // No callback: the Cron object only computes times, it never schedules a timer.
  const parsed = new Cron(cron, { timezone, mode: '5-or-6-parts' });
  return { next: (after) => parsed.nextRun(after) };
}

/** The next `count` ticks after `after` (for the UI and the API). */
export function nextTicks(cron: string, timezone: string, after: Date, count: number): Date[] {
  const ticks = cronTicks(cron, timezone);
  const out: Date[] = [];
  let at: Date | null = after;
  while (out.length < count && at) {
    at = ticks.next(at);
    if (at) out.push(at);
  }
  return out;
}

/** True for a timezone name the runtime knows (IANA, e.g. `Europe/Berlin`, or `UTC`). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
