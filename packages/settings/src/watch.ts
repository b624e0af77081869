import type { Db, Queryable } from '@millrace/db';
import * as sql from './sql';
import type { SettingsEvent, WatchOptions } from './types';

/**
 * Change events across every process on the database: each write NOTIFYs in its own transaction
 * (delivered on commit, never for a rolled-back write), and a slow poll of a fingerprint covers
 * notifications lost while a listener connection was down.
 */

const DEFAULT_POLL_MS = 5_000;

/** Called by every write, inside its transaction, so the event goes out exactly when the write commits. */
export async function notifyChange(
  tx: Queryable,
  event: { kind: 'worker_group' | 'script'; name: string },
): Promise<void> {
  await tx.query(sql.NOTIFY, [sql.SETTINGS_CHANNEL, JSON.stringify(event)]);
}

export async function watch(
  db: Db,
  fn: (event: SettingsEvent) => void,
  options: WatchOptions = {},
): Promise<() => Promise<void>> {
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const deliver = (event: SettingsEvent) => {
    if (stopped) return;
    try {
      fn(event);
    } catch {
      // A throwing subscriber must not break delivery to itself later or to the poll loop.
    }
  };

  const unlisten = await db.listen(sql.SETTINGS_CHANNEL, (payload) => {
    const event = parseEvent(payload);
    if (event) deliver(event);
  });

  // Taken after LISTEN is active: a change from here on is seen by one or the other.
  let fingerprint = await readFingerprint(db).catch(() => undefined);

  const poll = async () => {
    const next = await readFingerprint(db).catch(() => undefined);
    if (stopped || next === undefined) return;
    if (fingerprint !== undefined && next !== fingerprint) deliver({ kind: 'poll' });
    fingerprint = next;
  };

  // A chain of timeouts, not an interval: a slow poll never overlaps the next one.
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = poll().finally(schedule);
    }, pollMs);
  };
  schedule();

  return async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    await inFlight;
    await unlisten();
  };
}

async function readFingerprint(db: Db): Promise<string> {
  const { rows } = await db.query<{ fingerprint: string }>(sql.SETTINGS_FINGERPRINT);
  return rows[0].fingerprint;
}

/** Payloads come from other processes, possibly other versions: ignore what we do not understand. */
function parseEvent(payload: string): SettingsEvent | undefined {
  try {
    const event = JSON.parse(payload) as Partial<{ kind: string; name: string }>;
    if ((event.kind === 'script' || event.kind === 'worker_group') && typeof event.name === 'string') {
      return { kind: event.kind, name: event.name };
    }
  } catch {
    // not ours
  }
  return undefined;
}
