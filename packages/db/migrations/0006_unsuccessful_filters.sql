-- The UI's failure views by path and by tag, newest first (docs/history.md). A job that did not
-- succeed keeps its path and tag on its completed row, so partial indexes holding only those rows
-- answer "failures of f/x" or "failures on tag t" without walking every failure: a successful
-- completion leaves both columns null (no bytes: the row already has a null bitmap wide enough)
-- and adds no index entry. The queue row carries the path so the statements that end a job need
-- no lookup in jobs.
ALTER TABLE millrace.job_queue ADD COLUMN path text;
UPDATE millrace.job_queue q SET path = j.path FROM millrace.jobs j WHERE j.id = q.id;

ALTER TABLE millrace.job_completed ADD COLUMN tag text, ADD COLUMN path text;
UPDATE millrace.job_completed c SET tag = j.tag, path = j.path
FROM millrace.jobs j WHERE j.id = c.id AND c.status <> 'success';

CREATE INDEX job_completed_unsuccessful_path_idx ON millrace.job_completed (path, id DESC) WHERE status <> 'success';
CREATE INDEX job_completed_unsuccessful_tag_idx ON millrace.job_completed (tag, id DESC) WHERE status <> 'success';
