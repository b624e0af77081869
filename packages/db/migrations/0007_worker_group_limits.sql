-- Per-group limits for the processes that run untrusted jobs (docs/isolation.md):
-- a memory cap (MiB, RLIMIT_DATA of each job process), a default timeout for jobs whose script
-- and push set none, and the user the job processes run as (a name or uid[:gid]; NULL: the worker's).
ALTER TABLE millrace.worker_groups
  ADD COLUMN memory_limit_mb    integer NOT NULL DEFAULT 1024,
  ADD COLUMN default_timeout_ms integer NOT NULL DEFAULT 900000,
  ADD COLUMN run_as             text;
