/** Appends log chunks. $1 json: [{ id, attempt, seq, text }]; a chunk sent twice is kept once. */
export const APPEND_LOGS = `
INSERT INTO millrace.job_logs (job_id, attempt, seq, text)
SELECT id, attempt, seq, text FROM json_to_recordset($1::json) AS t(id bigint, attempt int, seq int, text text)
ON CONFLICT DO NOTHING`;

/** Log chunks of job $1 after position ($2 attempt, $3 seq), in order. */
export const LOG_CHUNKS = `
SELECT attempt, seq, text FROM millrace.job_logs
WHERE job_id = $1 AND (attempt, seq) > ($2::int, $3::int)
ORDER BY attempt, seq
LIMIT $4`;
