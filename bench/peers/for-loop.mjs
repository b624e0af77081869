// The in-process limit: the same work pulled from an in-memory array by `concurrency` lanes, with
// jobs "enqueued" in the same chunks as the peers. No database, no serialisation: what a queue
// would cost if it cost nothing.
import { measure } from './harness.mjs';

export const name = 'for-loop';

export function run(options) {
  return measure(name, options, async ({ tracker, jobs, concurrency, enqueueAll }) => {
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
    await enqueueAll(async (payloads) => {
      backlog.push(...payloads);
      for (const wake of waiting.splice(0)) wake();
      await new Promise(setImmediate); // a bulk insert is a round trip: let lanes run meanwhile
    });
    await Promise.all(lanes);
  });
}
