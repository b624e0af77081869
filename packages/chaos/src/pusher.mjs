// The producer side of a chaos run: pushes jobs in batches through the (faulty) proxy, keeps the
// backlog bounded, and retries a failed push only after checking whether it was committed anyway
// (a connection cut after COMMIT but before the reply). Every failure is recorded, never swallowed.
import { COLD_PATH, GENERIC_PATH, WARM_PATH } from './scripts.mjs';

/**
 * @param {{ queue: import('@millrace/queue').Queue, check: import('@millrace/db').Db, total: number,
 *   batch: number, maxBacklog: number, completed: () => number, coldEvery: number, maxMs: number }} o
 */
export function startPusher(o) {
  const acknowledged = [];
  const errors = [];
  let committedDespiteError = 0;
  let retries = 0;
  let pushed = 0;
  let stopped = false;

  const jobFor = (i, b) => {
    const ms = Math.floor(Math.random() * (o.maxMs + 1));
    const path = o.coldEvery > 0 && i % o.coldEvery === 0 ? COLD_PATH : i % 5 < 3 ? GENERIC_PATH : WARM_PATH;
    return { path, args: { i, ms, b } };
  };

  async function pushBatch(requests, b) {
    for (let attempt = 0; ; attempt++) {
      try {
        const ids = await o.queue.pushMany(requests);
        acknowledged.push(...ids);
        return;
      } catch (err) {
        errors.push({
          at: Date.now(),
          name: err?.name,
          code: err?.code,
          message: String(err?.message ?? err),
        });
        // Was it committed before the connection died? Ask over a healthy connection.
        const { rows } = await o.check
          .query("SELECT id::text AS id FROM millrace.jobs WHERE args->>'b' = $1 ORDER BY id", [b])
          .catch(() => ({ rows: null }));
        if (rows && rows.length === requests.length) {
          committedDespiteError++;
          acknowledged.push(...rows.map((r) => r.id));
          return;
        }
        if (rows && rows.length > 0)
          throw new Error(`partial push: ${rows.length}/${requests.length} of ${b}`);
        retries++;
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 2_000)));
      }
    }
  }

  const done = (async () => {
    let i = 0;
    let b = 0;
    while (!stopped && i < o.total) {
      if (pushed - o.completed() > o.maxBacklog) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const n = Math.min(o.batch, o.total - i);
      const batchId = `b${b++}`;
      const requests = Array.from({ length: n }, (_, k) => jobFor(i + k, batchId));
      await pushBatch(requests, batchId);
      i += n;
      pushed = i;
    }
  })();

  return {
    acknowledged,
    errors,
    get pushed() {
      return pushed;
    },
    get retries() {
      return retries;
    },
    get committedDespiteError() {
      return committedDespiteError;
    },
    done,
    stop() {
      stopped = true;
      return done;
    },
  };
}
