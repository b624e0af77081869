import { describe, expect, test } from 'vitest';
import { openRunner } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

// Each call reports which thread or process served it and how many calls it held at that moment.
const script = `
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
// not process.pid: every process runtime is pid 1 in a PID namespace of its own
const processId = randomUUID();
let active = 0;
export async function main({ waitMs }) {
  active += 1;
  const peak = active;
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  active -= 1;
  return { runtime: threadId + ':' + processId, peak };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('concurrency N spreads calls over N runtimes', async () => {
    const runner = await openRunner({ content: script, runtime, concurrency: 2, maxInFlightPerRuntime: 1 });
    try {
      const results = (await Promise.all(
        Array.from({ length: 4 }, () => runner.run({ waitMs: 50 })),
      )) as Array<{ runtime: string; peak: number }>;
      expect(new Set(results.map((r) => r.runtime)).size).toBe(2);
      expect(results.every((r) => r.peak === 1)).toBe(true);
    } finally {
      await runner.close();
    }
  });

  test('async calls interleave inside one runtime up to maxInFlightPerRuntime', async () => {
    const runner = await openRunner({ content: script, runtime, maxInFlightPerRuntime: 5 });
    try {
      const results = (await Promise.all(
        Array.from({ length: 20 }, () => runner.run({ waitMs: 30 })),
      )) as Array<{ peak: number }>;
      expect(Math.max(...results.map((r) => r.peak))).toBe(5);
    } finally {
      await runner.close();
    }
  });

  test('a call that finishes is answered while a slower call in the same runtime still runs', async () => {
    const runner = await openRunner({ content: script, runtime, maxInFlightPerRuntime: 4 });
    try {
      let slowDone = false;
      const slow = runner.run({ waitMs: 2000 }).then(() => {
        slowDone = true;
      });
      // Sent in the same tick as the slow call, so they reach the runtime in one batch.
      const fast = await Promise.all([runner.run({ waitMs: 0 }), runner.run({ waitMs: 10 })]);
      expect(fast).toHaveLength(2);
      expect(slowDone).toBe(false);
      await slow;
    } finally {
      await runner.close();
    }
  });
});
