// The NOTIFY channels the queue's statements send on, owned here so every listener (the
// worker's Producer and Heartbeat, the queue's own wait) names the same channel.

/** payload: a tag that has new (or requeued) jobs waiting */
export const JOBS_CHANNEL = 'millrace_jobs';
/** payload: comma-separated ids of jobs that finished */
export const DONE_CHANNEL = 'millrace_done';
/** payload: the id of a running job whose cancel was requested */
export const CANCEL_CHANNEL = 'millrace_cancel';
