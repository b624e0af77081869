// The timed push and drain loops of queue-throughput.mjs. Millrace and the plain-SQL floor both run
// through these, so their numbers differ only by the queue calls, never by how they were timed.

/** Inserts `total` jobs as `insert(first, n)` calls of at most `batch` jobs; returns jobs/s. */
export async function pushInBatches(total, batch, insert) {
  const start = performance.now();
  for (let first = 0; first < total; first += batch) await insert(first, Math.min(batch, total - first));
  return (total / (performance.now() - start)) * 1000;
}

/** Calls `claimAndComplete()` (returns how many jobs it took) until it takes none; returns `{ jobs, ms }`. */
export async function drainUntilEmpty(claimAndComplete) {
  let jobs = 0;
  const start = performance.now();
  for (let n = await claimAndComplete(); n > 0; n = await claimAndComplete()) jobs += n;
  return { jobs, ms: performance.now() - start };
}
