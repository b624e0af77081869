-- Schedules and failure handlers (docs/schedules.md). Definitions are settings; the rows that make
-- them fire exactly once are queue state. No hot table (job_queue, jobs) changes shape: provenance
-- lives in side tables keyed by what must be unique.

-- A cron schedule. next_tick is the next tick due: a scheduler fires it by moving next_tick on
-- with a compare-and-set in the transaction that pushes the job, so two schedulers racing for one
-- tick agree through this row (and schedule_runs' primary key), never through memory.
CREATE TABLE millrace.schedules (
  name        text PRIMARY KEY,
  path        text NOT NULL,
  cron        text NOT NULL,
  timezone    text NOT NULL DEFAULT 'UTC',
  args        jsonb NOT NULL DEFAULT '{}',
  enabled     boolean NOT NULL DEFAULT true,
  catch_up    text NOT NULL DEFAULT 'one' CHECK (catch_up IN ('one', 'skip')),
  next_tick   timestamptz,
  last_tick   timestamptz,
  last_job_id bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- The schedulers' poll: enabled schedules by their next tick.
CREATE INDEX schedules_due_idx ON millrace.schedules (next_tick) WHERE enabled;

-- One row per fired tick: the primary key makes a tick a job at most once, and job_id tells
-- `queue.get` which schedule and tick made a job. Rows of jobs that retention dropped are pruned.
CREATE TABLE millrace.schedule_runs (
  schedule text NOT NULL,
  tick     timestamptz NOT NULL,
  job_id   bigint NOT NULL UNIQUE,
  PRIMARY KEY (schedule, tick)
);

-- On-failure handlers: a script path run when a job of `target` fails for good. scope 'script'
-- (target = a script path) wins over scope 'group' (target = the worker group of the worker that
-- ran the failed job).
CREATE TABLE millrace.failure_handlers (
  scope      text NOT NULL CHECK (scope IN ('script', 'group')),
  target     text NOT NULL,
  handler    text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, target)
);

-- The outbox of failures to hand to a handler: written by the trigger below in the transaction
-- that ends the job (so a failure is recorded exactly when it commits, and once: the primary key),
-- then turned into a handler job by a scheduler loop, which sets handler_job_id in the transaction
-- that pushes it. skipped: why no job was pushed (the handler script does not exist).
CREATE TABLE millrace.failure_handler_runs (
  failed_job_id  bigint PRIMARY KEY,
  handler        text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  handler_job_id bigint UNIQUE,
  skipped        text
);
CREATE INDEX failure_handler_runs_pending_idx ON millrace.failure_handler_runs (failed_job_id)
  WHERE handler_job_id IS NULL AND skipped IS NULL;

-- Fires only for rows that end a job as a failure (the WHEN clause is checked per row before any
-- event is queued, so successes and cancels cost one comparison). A handler job that fails is
-- not handed to a handler again: no loop.
CREATE FUNCTION millrace.record_failure_for_handler() RETURNS trigger
LANGUAGE plpgsql AS $fh$
DECLARE
  v_handler text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM millrace.failure_handlers) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM millrace.failure_handler_runs WHERE handler_job_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  SELECT handler INTO v_handler FROM millrace.failure_handlers
  WHERE scope = 'script' AND target = coalesce(NEW.path, (SELECT path FROM millrace.jobs WHERE id = NEW.id));
  IF v_handler IS NULL AND NEW.worker IS NOT NULL THEN
    SELECT h.handler INTO v_handler FROM millrace.failure_handlers h
    JOIN millrace.workers w ON w.group_name = h.target
    WHERE h.scope = 'group' AND w.name = NEW.worker;
  END IF;
  IF v_handler IS NOT NULL THEN
    INSERT INTO millrace.failure_handler_runs (failed_job_id, handler) VALUES (NEW.id, v_handler)
    ON CONFLICT (failed_job_id) DO NOTHING;
    PERFORM pg_notify('millrace_failures', NEW.id::text);
  END IF;
  RETURN NULL;
END
$fh$;

-- On the partitioned parent: cloned onto every history range, present and future.
CREATE TRIGGER job_failed_for_handler AFTER INSERT ON millrace.job_completed
FOR EACH ROW WHEN (NEW.status = 'failure') EXECUTE FUNCTION millrace.record_failure_for_handler();

-- 'retried' events for hosts (queue.events()): an attempt that did not end its job. Ended jobs
-- are already announced on millrace_done by the statements that end them.
CREATE FUNCTION millrace.notify_retried() RETURNS trigger
LANGUAGE plpgsql AS $rt$
BEGIN
  PERFORM pg_notify('millrace_retried', NEW.job_id::text || ':' || NEW.attempt::text || ':' || NEW.status);
  RETURN NULL;
END
$rt$;

CREATE TRIGGER job_attempt_retried AFTER INSERT ON millrace.job_attempts
FOR EACH ROW EXECUTE FUNCTION millrace.notify_retried();
