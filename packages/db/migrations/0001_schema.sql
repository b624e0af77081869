-- The whole Millrace schema lives in its own PostgreSQL schema so it can share a database with the host app.
-- Tables are split by how often they change (as Windmill does): an immutable job row, a small hot
-- queue row that exists only while the job waits or runs, a completed row, attempts and log chunks.
CREATE SCHEMA IF NOT EXISTS millrace;

CREATE TABLE millrace.scripts (
  path           text PRIMARY KEY,
  latest_version integer NOT NULL,
  latest_hash    text NOT NULL,
  dedicated      boolean NOT NULL DEFAULT false,
  tag            text,
  timeout_ms     integer,
  max_attempts   integer NOT NULL DEFAULT 1,
  priority       integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per deploy. `code` is what workers run: transpiled ESM JavaScript, or Python source.
CREATE TABLE millrace.script_versions (
  path       text NOT NULL REFERENCES millrace.scripts (path) ON DELETE CASCADE,
  version    integer NOT NULL,
  hash       text NOT NULL,
  language   text NOT NULL,
  content    text NOT NULL,
  code       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (path, version)
);
CREATE INDEX script_versions_hash_idx ON millrace.script_versions (path, hash);

CREATE TABLE millrace.worker_groups (
  name             text PRIMARY KEY,
  tags             text[] NOT NULL DEFAULT '{node}',
  dedicated_worker text,
  concurrency      integer NOT NULL DEFAULT 1,
  env              jsonb NOT NULL DEFAULT '{}',
  init_script      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO millrace.worker_groups (name) VALUES ('default');

-- Immutable once pushed. Ids come from a sequence so a batch push can allocate them up front
-- and write the job and queue rows in one statement.
CREATE SEQUENCE millrace.job_ids;
CREATE TABLE millrace.jobs (
  id           bigint PRIMARY KEY DEFAULT nextval('millrace.job_ids'),
  path         text NOT NULL,
  script_hash  text NOT NULL,
  args         jsonb NOT NULL,
  tag          text NOT NULL,
  priority     integer NOT NULL,
  max_attempts integer NOT NULL,
  timeout_ms   integer,
  rerun_of     bigint,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_path_idx ON millrace.jobs (path, id DESC);
CREATE INDEX jobs_tag_idx ON millrace.jobs (tag, id DESC);

-- The hot table: small rows, updated in place (fillfactor leaves room for HOT updates).
-- No foreign key to jobs: it would cost an index probe per pushed row on the hot path.
CREATE TABLE millrace.job_queue (
  id               bigint PRIMARY KEY,
  tag              text NOT NULL,
  priority         integer NOT NULL,
  scheduled_for    timestamptz NOT NULL,
  running          boolean NOT NULL DEFAULT false,
  worker           text,
  claim_token      bigint,
  started_at       timestamptz,
  last_ping        timestamptz,
  attempt          integer NOT NULL DEFAULT 0,
  -- copied from the job so that completing a batch needs no join
  max_attempts     integer NOT NULL,
  -- attempts lost with a dead worker: they do not count against max_attempts (up to a limit)
  lost_attempts    integer NOT NULL DEFAULT 0,
  cancel_requested boolean NOT NULL DEFAULT false
) WITH (fillfactor = 70);
CREATE INDEX job_queue_claim_idx ON millrace.job_queue (tag, priority DESC, scheduled_for, id) WHERE NOT running;
-- No index for the reaper's `running AND last_ping < …`: it runs every few seconds over a table
-- that holds only live jobs, and every claim would pay to maintain it.

CREATE SEQUENCE millrace.claim_tokens;

CREATE TABLE millrace.job_completed (
  id           bigint PRIMARY KEY,
  status       text NOT NULL,
  result       jsonb,
  error        jsonb,
  worker       text,
  attempt      integer NOT NULL,
  started_at   timestamptz,
  completed_at timestamptz NOT NULL DEFAULT now(),
  duration_ms  integer
);
-- completed_at only grows, so a BRIN index serves the time-window queries at almost no write cost.
CREATE INDEX job_completed_at_idx ON millrace.job_completed USING brin (completed_at);

-- Attempts that did not end the job (failed then retried, or lost with a dead worker).
CREATE TABLE millrace.job_attempts (
  job_id     bigint NOT NULL,
  attempt    integer NOT NULL,
  status     text NOT NULL,
  error      jsonb,
  worker     text,
  started_at timestamptz,
  ended_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, attempt)
);

CREATE TABLE millrace.job_logs (
  job_id     bigint NOT NULL,
  attempt    integer NOT NULL,
  seq        integer NOT NULL,
  text       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, attempt, seq)
);

-- Live workers register here and ping; the UI lists them.
CREATE TABLE millrace.workers (
  name             text PRIMARY KEY,
  group_name       text NOT NULL,
  tags             text[] NOT NULL,
  dedicated_script text,
  pid              integer,
  host             text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  last_ping        timestamptz NOT NULL DEFAULT now(),
  jobs_done        bigint NOT NULL DEFAULT 0,
  current_jobs     text[] NOT NULL DEFAULT '{}',
  stopped_at       timestamptz
);
