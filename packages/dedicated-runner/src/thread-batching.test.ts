// The host sends a thread every call made in one turn of the event loop as one message, also when
// the calls come from separate callbacks of that turn (a worker hands the next jobs as the results
// of the last ones arrive, each in its own callback): one postMessage, and one wake-up of the
// thread, for all of them — not one per call.
import { Worker } from 'node:worker_threads';
import { expect, test, vi } from 'vitest';
import { openRunner } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

test('calls made in separate callbacks of one event-loop turn reach the thread in one message', async () => {
  const runner = await openRunner({
    content: 'export function main({ n }) { return n * 10; }',
    concurrency: 1,
    maxInFlightPerRuntime: 1,
    lookahead: 1,
  });
  const post = vi.spyOn(Worker.prototype, 'postMessage');
  try {
    const results = await new Promise<unknown[]>((resolve, reject) => {
      const calls: Promise<unknown>[] = [];
      setImmediate(() => calls.push(runner.run({ n: 1 })));
      setImmediate(() => {
        calls.push(runner.run({ n: 2 }));
        Promise.all(calls).then(resolve, reject);
      });
    });
    expect(results).toEqual([10, 20]);
    expect(post).toHaveBeenCalledTimes(1);
  } finally {
    post.mockRestore();
    await runner.close();
  }
});
