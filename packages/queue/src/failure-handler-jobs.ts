import type { Db } from '@millrace/db';
import { ScriptNotFoundError, type Settings } from '@millrace/settings';
import { isMissingRange } from './history';
import { insertJobs, type PushContext } from './push';
import { LOCK_PENDING_FAILURES, MARK_FAILURES_HANDLED, PENDING_HANDLERS } from './sql/failure-handlers';
import type { ValidPush } from './validate';

interface PendingRow {
  id: string;
  handler: string;
  path: string;
  args: string;
  error: string | null;
  attempt: number;
  worker: string | null;
  completed_at: Date | string;
}

export interface HandledFailure {
  failedJobId: string;
  /** the handler job; null when skipped */
  handlerJobId: string | null;
  skipped?: 'handler_not_found';
}

/**
 * The handler's args: `{ failedJob: { id, path, error, attempt, worker, completedAt, args } }`,
 * built as text around the failed job's stored args; when that would pass the args limit, the
 * failed job's args are left out (`argsOmitted: true`) and the handler reads them with queue.get.
 */
function handlerArgs(r: PendingRow, maxArgsBytes: number): string {
  const head = JSON.stringify({
    id: r.id,
    path: r.path,
    error: r.error === null ? null : JSON.parse(r.error),
    attempt: Number(r.attempt),
    worker: r.worker,
    completedAt: new Date(r.completed_at).toISOString(),
  }).slice(0, -1);
  const full = `{"failedJob":${head},"args":${r.args}}}`;
  return Buffer.byteLength(full) <= maxArgsBytes ? full : `{"failedJob":${head},"argsOmitted":true}}`;
}

/**
 * Which handler scripts the pending rows name exist, read before the transaction (PGlite has one
 * connection: a read outside the transaction would wait for it); the push inside the transaction
 * reads their defaults itself.
 */
async function handlerScripts(
  db: Db,
  settings: Settings,
): Promise<{ found: Set<string>; missing: Set<string> }> {
  const { rows } = await db.query<{ handler: string }>(PENDING_HANDLERS);
  const found = new Set<string>();
  const missing = new Set<string>();
  for (const { handler } of rows) {
    await settings.jobDefaults([handler]).then(
      () => found.add(handler),
      (err) => {
        if (!(err instanceof ScriptNotFoundError)) throw err;
        missing.add(handler);
      },
    );
  }
  return { found, missing };
}

async function pushPending(
  db: Db,
  ctx: PushContext,
  limit: number,
  maxArgsBytes: number,
): Promise<HandledFailure[]> {
  const { found, missing } = await handlerScripts(db, ctx.settings);
  // nothing pending at the peek: a row recorded since waits for the next pass anyway (below)
  if (found.size === 0 && missing.size === 0) return [];
  return db.transaction(async (tx) => {
    const locked = await tx.query<PendingRow>(LOCK_PENDING_FAILURES, [limit]);
    // a row recorded after the peek, naming a handler not read yet, waits for the next pass
    const rows = locked.rows.filter((r) => found.has(r.handler) || missing.has(r.handler));
    if (rows.length === 0) return [];
    const runnable = rows.filter((r) => found.has(r.handler));
    const valid: ValidPush[] = runnable.map((r) => ({
      path: r.handler,
      argsJson: handlerArgs(r, maxArgsBytes),
      options: {},
    }));
    // the one push path: the handler script's limits (maxRunning, rate) hold for its jobs too
    const ids = valid.length === 0 ? [] : await insertJobs(ctx, tx, true, valid);
    const jobOf = new Map(runnable.map((r, i) => [r.id, ids[i]]));
    const handled: HandledFailure[] = rows.map((r) =>
      jobOf.has(r.id)
        ? { failedJobId: r.id, handlerJobId: jobOf.get(r.id) ?? null }
        : { failedJobId: r.id, handlerJobId: null, skipped: 'handler_not_found' },
    );
    await tx.query(MARK_FAILURES_HANDLED, [
      handled.map((h) => h.failedJobId),
      handled.map((h) => h.handlerJobId),
      handled.map((h) => h.skipped ?? null),
    ]);
    return handled;
  });
}

/** Pushes a handler job for every recorded failure not handed over yet, in batches of `limit`. */
export async function pushFailureHandlerJobs(
  db: Db,
  ctx: PushContext,
  { limit = 100, maxArgsBytes }: { limit?: number; maxArgsBytes: number },
): Promise<HandledFailure[]> {
  const all: HandledFailure[] = [];
  for (;;) {
    const batch = await pushPending(db, ctx, limit, maxArgsBytes).catch(async (err) => {
      if (!isMissingRange(err)) throw err;
      await ctx.history.ensureRanges();
      return pushPending(db, ctx, limit, maxArgsBytes);
    });
    all.push(...batch);
    if (batch.length < limit) return all;
  }
}
