// The job timeline's read: what ran lately, per worker, with start and end to the millisecond.

/** A bar of the timeline: one attempt of a job on one worker. `endMs` is null while it runs. */
export interface TimelineJob {
  id: string;
  path: string;
  tag: string;
  status: 'running' | 'success' | 'failure' | 'canceled';
  worker: string;
  attempt: number;
  /** when the job was pushed (epoch ms, the database's clock): from then on a worker could start it */
  queuedMs: number;
  /** epoch ms (fractional) by the worker's clock; a running job's is its claim time */
  startMs: number;
  endMs: number | null;
}

/**
 * Jobs that finished in the last $1 seconds (newest first, at most $2) plus jobs running now (at
 * most $2). The finished half reads `job_completed` through its BRIN index on `completed_at`, so its
 * cost follows the window, not the size of the history; the end is start + duration, both by the
 * worker's clock (`completed_at` is the batch's commit time, shared by every job of a batch).
 * Jobs canceled before they started have no worker and no start: they are no bar.
 */
export const TIMELINE = `
(SELECT q.id::text AS id, j.path, q.tag, 'running' AS status, q.worker, q.attempt,
        (extract(epoch FROM j.created_at) * 1000)::float8 AS queued_ms,
        (extract(epoch FROM q.started_at) * 1000)::float8 AS start_ms, NULL::float8 AS end_ms
 FROM millrace.job_queue q JOIN millrace.jobs j ON j.id = q.id
 WHERE q.running AND q.started_at IS NOT NULL AND q.worker IS NOT NULL
 ORDER BY q.started_at DESC LIMIT $2)
UNION ALL
(SELECT c.id::text, j.path, j.tag, c.status, c.worker, c.attempt,
        (extract(epoch FROM j.created_at) * 1000)::float8,
        (extract(epoch FROM c.started_at) * 1000)::float8,
        coalesce((extract(epoch FROM c.started_at) * 1000)::float8 + c.duration_ms,
                 (extract(epoch FROM c.completed_at) * 1000)::float8)
 FROM millrace.job_completed c JOIN millrace.jobs j ON j.id = c.id
 WHERE c.completed_at > now() - make_interval(secs => $1::float8)
   AND c.started_at IS NOT NULL AND c.worker IS NOT NULL
 ORDER BY c.completed_at DESC LIMIT $2)`;

export function toTimelineJob(r: Record<string, unknown>): TimelineJob {
  return {
    id: r.id as string,
    path: r.path as string,
    tag: r.tag as string,
    status: r.status as TimelineJob['status'],
    worker: r.worker as string,
    attempt: Number(r.attempt),
    queuedMs: Number(r.queued_ms),
    startMs: Number(r.start_ms),
    endMs: r.end_ms == null ? null : Number(r.end_ms),
  };
}
