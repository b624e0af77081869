/** What a missed tick does: `one` runs one job for the missed ticks, `skip` drops ticks older than the grace. */
export type CatchUp = 'one' | 'skip';

export interface ScheduleInput {
  /** script run at each tick (required when creating) */
  path?: string;
  /** 5 fields, 6 (seconds first) or a @nickname (required when creating) */
  cron?: string;
  /** IANA name; default UTC */
  timezone?: string;
  /** the job's args; default {} */
  args?: Record<string, unknown>;
  /** default true */
  enabled?: boolean;
  /** default 'one' */
  catchUp?: CatchUp;
}

export interface Schedule {
  name: string;
  path: string;
  cron: string;
  timezone: string;
  args: Record<string, unknown>;
  enabled: boolean;
  catchUp: CatchUp;
  /** the next tick due (null while disabled) */
  nextTick: Date | null;
  /** the last tick that made a job, and that job */
  lastTick: Date | null;
  lastJobId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** `{ script: path }` or `{ group: name }`: whose final failures a handler receives. */
export type FailureHandlerTarget = { script: string } | { group: string };

export interface FailureHandler {
  scope: 'script' | 'group';
  target: string;
  /** script path pushed with `{ failedJob: { id, path, error, args, attempt, worker } }` */
  handler: string;
  updatedAt: Date;
}
