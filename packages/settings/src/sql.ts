/**
 * Every SQL statement of @millrace/settings: the tables millrace.scripts, millrace.script_versions
 * and millrace.worker_groups belong to this package. All parameterised; nothing is built from input.
 */

/** Channel of change events; the payload is JSON `{ kind, name }`. */
export const SETTINGS_CHANNEL = 'millrace_settings';

/** $1 channel, $2 payload. Sent inside the writing transaction, so it is delivered only on commit. */
export const NOTIFY = 'SELECT pg_notify($1, $2)';

// ---- scripts ----------------------------------------------------------------------------------

/**
 * $1 path. First half of the deploy lock: makes sure a row exists to lock. A placeholder with
 * version 0 is never visible to others: the same transaction fills it in before commit.
 * A concurrent deploy of a new path waits here on the unique index until the first commits.
 */
export const INSERT_SCRIPT_PLACEHOLDER = `
  INSERT INTO millrace.scripts (path, latest_version, latest_hash) VALUES ($1, 0, '')
  ON CONFLICT (path) DO NOTHING`;

/** $1 path. Second half of the deploy lock: concurrent deploys of one path run one after the other. */
export const LOCK_SCRIPT = `
  SELECT latest_version, latest_hash FROM millrace.scripts WHERE path = $1 FOR UPDATE`;

/** $1 path, $2 version, $3 hash, $4 language, $5 content, $6 code, $7 dependencies (json text or null) */
export const INSERT_SCRIPT_VERSION = `
  INSERT INTO millrace.script_versions (path, version, hash, language, content, code, dependencies)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`;

/** $1 path, $2 version: the lock of a version a redeploy keeps. */
export const SELECT_VERSION_DEPENDENCIES = `
  SELECT dependencies FROM millrace.script_versions WHERE path = $1 AND version = $2`;

/** $1 path, $2 version, $3 hash */
export const SET_LATEST_VERSION = `
  UPDATE millrace.scripts SET latest_version = $2, latest_hash = $3, updated_at = now() WHERE path = $1`;

const SCRIPT_COLUMNS = `
  s.path, v.version, v.hash, v.language, v.content, v.code, v.dependencies, v.created_at,
  s.dedicated, s.tag, s.timeout_ms, s.max_attempts, s.priority, s.max_running, s.rate_max, s.rate_window_ms`;

/** $1 path, $2 version or null for the latest */
export const SELECT_SCRIPT = `
  SELECT ${SCRIPT_COLUMNS}
  FROM millrace.scripts s
  JOIN millrace.script_versions v ON v.path = s.path AND v.version = COALESCE($2::int, s.latest_version)
  WHERE s.path = $1`;

/** $1 path, $2 hash. A hash deployed twice (A, B, A) names the same code: take the newest row. */
export const SELECT_SCRIPT_BY_HASH = `
  SELECT ${SCRIPT_COLUMNS}
  FROM millrace.scripts s
  JOIN millrace.script_versions v ON v.path = s.path
  WHERE s.path = $1 AND v.hash = $2
  ORDER BY v.version DESC LIMIT 1`;

/** Every script with its latest version's language; no content or code (they can be large). */
export const LIST_SCRIPTS = `
  SELECT s.path, s.latest_version AS version, s.latest_hash AS hash, v.language, s.created_at, s.updated_at,
         s.dedicated, s.tag, s.timeout_ms, s.max_attempts, s.priority, s.max_running, s.rate_max, s.rate_window_ms
  FROM millrace.scripts s
  JOIN millrace.script_versions v ON v.path = s.path AND v.version = s.latest_version
  ORDER BY s.path`;

/** $1 path; newest first */
export const LIST_VERSIONS = `
  SELECT version, hash, language, dependencies, created_at FROM millrace.script_versions
  WHERE path = $1 ORDER BY version DESC`;

/** $1 path */
export const SELECT_SCRIPT_SETTINGS = `
  SELECT path, dedicated, tag, timeout_ms, max_attempts, priority, max_running, rate_max, rate_window_ms
  FROM millrace.scripts WHERE path = $1`;

/**
 * $1 path, then for each setting a "was given" flag and its value, so that an explicit null
 * (clear the tag or the timeout) differs from "leave as is" in a single statement.
 */
export const UPDATE_SCRIPT_SETTINGS = `
  UPDATE millrace.scripts SET
    dedicated    = CASE WHEN $2::boolean  THEN $3::boolean ELSE dedicated END,
    tag          = CASE WHEN $4::boolean  THEN $5::text    ELSE tag END,
    timeout_ms   = CASE WHEN $6::boolean  THEN $7::int     ELSE timeout_ms END,
    max_attempts = CASE WHEN $8::boolean  THEN $9::int     ELSE max_attempts END,
    priority     = CASE WHEN $10::boolean THEN $11::int    ELSE priority END,
    max_running  = CASE WHEN $12::boolean THEN $13::int    ELSE max_running END,
    rate_max       = CASE WHEN $14::boolean THEN $15::int  ELSE rate_max END,
    rate_window_ms = CASE WHEN $14::boolean THEN $16::int  ELSE rate_window_ms END,
    updated_at   = now()
  WHERE path = $1
  RETURNING path, dedicated, tag, timeout_ms, max_attempts, priority, max_running, rate_max, rate_window_ms`;

/**
 * $1 path, $2 max_running, $3 rate_max, $4 rate_window_ms. The queue enforces a script's limits
 * through its row in millrace.flow_limits (key 'script:<path>', created by the first limited
 * push): changed limits apply to the jobs already queued, at their next claim.
 */
export const UPDATE_SCRIPT_FLOW_LIMITS = `
  UPDATE millrace.flow_limits SET max_running = $2, rate_max = $3, rate_window_ms = $4
  WHERE key = 'script:' || $1
    AND (max_running, rate_max, rate_window_ms) IS DISTINCT FROM ($2::int, $3::int, $4::int)`;

/**
 * $1 text[] of distinct paths. Hot: the queue runs it on every push (and once per pushMany), so
 * it is one primary-key lookup per distinct path and reads only the small scripts table.
 */
export const SELECT_JOB_DEFAULTS = `
  SELECT path, latest_hash, dedicated, tag, timeout_ms, max_attempts, priority, max_running, rate_max, rate_window_ms
  FROM millrace.scripts WHERE path = ANY($1::text[])`;

/** $1 path. Existence check for a group's dedicatedWorker. */
export const SCRIPT_EXISTS = 'SELECT 1 FROM millrace.scripts WHERE path = $1';

// ---- worker groups ----------------------------------------------------------------------------

const GROUP_COLUMNS =
  'name, tags, dedicated_worker, concurrency, env, init_script, memory_limit_mb, default_timeout_ms, run_as, updated_at';

/** $1 name. Makes sure a row exists to lock (the column defaults are a generic group). */
export const INSERT_GROUP_PLACEHOLDER = `
  INSERT INTO millrace.worker_groups (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`;

/** $1 name. Concurrent updates of one group are applied one after the other. */
export const LOCK_GROUP = `SELECT ${GROUP_COLUMNS} FROM millrace.worker_groups WHERE name = $1 FOR UPDATE`;

/**
 * $1 name, $2 tags, $3 dedicated_worker, $4 concurrency, $5 env (json text), $6 init_script,
 * $7 memory_limit_mb, $8 default_timeout_ms, $9 run_as
 */
export const UPDATE_GROUP = `
  UPDATE millrace.worker_groups SET
    tags = $2::text[], dedicated_worker = $3, concurrency = $4, env = $5::jsonb, init_script = $6,
    memory_limit_mb = $7, default_timeout_ms = $8, run_as = $9, updated_at = now()
  WHERE name = $1
  RETURNING ${GROUP_COLUMNS}`;

/** $1 name */
export const SELECT_GROUP = `SELECT ${GROUP_COLUMNS} FROM millrace.worker_groups WHERE name = $1`;

export const LIST_GROUPS = `SELECT ${GROUP_COLUMNS} FROM millrace.worker_groups ORDER BY name`;

/** $1 name */
export const DELETE_GROUP = 'DELETE FROM millrace.worker_groups WHERE name = $1';

// ---- watch ------------------------------------------------------------------------------------

/**
 * The fallback poll's fingerprint: a change of any group or script moves a max(updated_at),
 * and a deleted group moves its count.
 */
export const SETTINGS_FINGERPRINT = `
  SELECT (SELECT count(*) || '/' || COALESCE(max(updated_at)::text, '') FROM millrace.worker_groups)
      || '|' ||
         (SELECT count(*) || '/' || COALESCE(max(updated_at)::text, '') FROM millrace.scripts) AS fingerprint`;
