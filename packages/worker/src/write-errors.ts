// Why a write failed decides what to do about it. A row the database refuses for its data fails
// the same way every time, so retrying the batch would loop forever: it is split instead until the
// row is alone (split-write.ts). Anything else (a lost connection, a missing table, a full disk,
// a failover's read-only standby) is retried with backoff: the rows are fine, the database is not.

/**
 * SQLSTATE classes that blame the data of some row: 22 data exception (bad encoding, bad
 * number), 23 integrity constraint (a CHECK or a trigger's constraint), 54 program limit (a value
 * too large), P0 a PL/pgSQL RAISE (a trigger refusing a row).
 */
const ROW_CLASSES = new Set(['22', '23', '54', 'P0']);

/** The database (or the driver, preparing a parameter) refused the batch for its rows' data. */
export function isRowRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return ROW_CLASSES.has(code.slice(0, 2));
  // thrown while turning rows into parameters (a string too long to build): splitting helps too
  return err instanceof RangeError || err instanceof TypeError;
}

/** `(SQLSTATE 23514) new row … violates check constraint …` */
export function describeDbError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' ? `(SQLSTATE ${e.code}) ${message}` : message;
}
