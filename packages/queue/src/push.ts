import type { Queryable } from '@millrace/db';
import type { JobDefaults, Settings } from '@millrace/settings';
import { InvalidJobOptionsError } from './errors';
import { type History, isMissingRange } from './history';
import { PUSH_JOBS, PUSH_KEYED_JOBS } from './sql/push-jobs';
import type { PushOptions } from './types';
import type { ValidPush } from './validate';

/**
 * A connection of the host's, inside its open transaction: a `pg` Client or PoolClient, a PGlite
 * transaction, or `db.transaction`'s own. Anything with `query(sql, params)` that returns rows.
 */
export interface HostClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

export interface PushContext {
  settings: Settings;
  history: History;
}

/** Writes validated pushes through `via` (the Db, or a transaction): one statement, ids in order. */
export async function insertJobs(
  ctx: PushContext,
  via: Queryable,
  inTransaction: boolean,
  valid: ValidPush[],
  pin?: { hash: string; rerunOf: string },
): Promise<string[]> {
  const defaults = await ctx.settings.jobDefaults(
    valid.map((v) => v.path),
    via,
  );
  let keyed = false;
  // Built as text so each job's args (already serialised once for the size check) are not re-encoded.
  const rows = valid.map(({ path, argsJson, options }) => {
    const d = defaults.get(path);
    if (!d) throw new Error(`unreachable: jobDefaults returned no entry for ${path}`);
    const scheduledFor = options.scheduledFor ? new Date(options.scheduledFor).toISOString() : null;
    const flow = flowFields(path, options, d);
    if (flow) keyed = true;
    const fields = {
      path,
      hash: pin?.hash ?? d.hash,
      tag: options.tag ?? d.tag,
      priority: options.priority ?? d.priority,
      max_attempts: options.maxAttempts ?? d.maxAttempts,
      timeout_ms: options.timeoutMs !== undefined ? options.timeoutMs : d.timeoutMs,
      scheduled_for: scheduledFor,
      rerun_of: pin?.rerunOf ?? null,
      ...flow,
    };
    return `${JSON.stringify(fields).slice(0, -1)},"args":${argsJson}}`;
  });
  const input = `[${rows.join(',')}]`;
  const statement = keyed ? PUSH_KEYED_JOBS : PUSH_JOBS;
  const { rows: ids } = await via.query<{ id: string }>(statement, [input]).catch(async (err) => {
    // the job ids ran past the last history range: maintenance has not run for a long while
    if (!isMissingRange(err)) throw err;
    if (inTransaction) {
      // the host's transaction is aborted either way; add the range for its next try (on PGlite
      // it runs once the transaction ends: one connection)
      void ctx.history.ensureRanges().catch(() => {});
      throw err;
    }
    await ctx.history.ensureRanges();
    return via.query<{ id: string }>(statement, [input]);
  });
  return ids.map((r) => r.id);
}

/**
 * The columns push_keyed_jobs reads for a job with keys, or null for a job without any (which
 * then takes the plain statement). A job counts against its concurrencyKey's limit (given on the
 * push, else the script's) or, without one, against its script's own limit.
 */
function flowFields(path: string, o: PushOptions, d: JobDefaults): Record<string, unknown> | null {
  const maxRunning = o.concurrencyKey !== undefined ? (o.concurrencyLimit ?? d.maxRunning) : d.maxRunning;
  const rate = o.concurrencyKey !== undefined ? (o.rateLimit ?? d.rateLimit) : d.rateLimit;
  const limited = maxRunning !== null || rate !== null;
  if (o.concurrencyKey !== undefined && !limited) {
    throw new InvalidJobOptionsError(
      `concurrencyKey: ${path} has no maxRunning or rateLimit setting; give concurrencyLimit or rateLimit`,
    );
  }
  if (!limited && o.uniqueKey === undefined) return null;
  const flowKey = !limited
    ? null
    : o.concurrencyKey !== undefined
      ? `key:${o.concurrencyKey}`
      : `script:${path}`;
  return {
    concurrency_key: o.concurrencyKey ?? null,
    flow_key: flowKey,
    max_running: flowKey === null ? null : maxRunning,
    rate_max: flowKey === null ? null : (rate?.max ?? null),
    rate_window_ms: flowKey === null ? null : (rate?.windowMs ?? null),
    unique_key: o.uniqueKey ?? null,
    unique_mode: o.debounceMs !== undefined ? 'replace' : o.uniqueWhileRunning ? 'running' : 'queued',
    debounce_ms: o.debounceMs ?? null,
  };
}

/** The host's client as a Queryable (rowCount is not always there: PGlite says affectedRows). */
export function asQueryable(client: HostClient): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]) {
      const res = await client.query(sql, params);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
  };
}
