// The in-process limit: the same work pulled from an in-memory array by `concurrency` lanes, with
// jobs "enqueued" in the same chunks as the peers. No database, no serialisation: what a queue
// would cost if it cost nothing.
import { chunks, createTracker, guarded, timeoutFor, workFor } from './harness.mjs';

export const name = 'for-loop';

export async function run({ jobs = 2000, concurrency = 10, work = 'noop', quick = false } = {}) {
  return guarded(name, async () => {
    const tracker = createTracker(jobs, workFor(work), timeoutFor({ jobs, concurrency, work }));
    const backlog = [];
    let next = 0;
    const waiting = [];
    const lane = async () => {
      while (next < jobs) {
        if (next >= backlog.length) {
          await new Promise((resolve) => waiting.push(resolve));
          continue;
        }
        await tracker.run(backlog[next++].t);
      }
    };
    const lanes = Array.from({ length: Math.max(1, concurrency) }, lane);
    for (const ids of chunks(jobs)) {
      const t = tracker.stamp();
      for (const i of ids) backlog.push({ i, t });
      for (const wake of waiting.splice(0)) wake();
      await new Promise(setImmediate); // a bulk insert is a round trip: let lanes run meanwhile
    }
    await tracker.done;
    await Promise.all(lanes);
    return { ...tracker.result(), quick };
  });
}
