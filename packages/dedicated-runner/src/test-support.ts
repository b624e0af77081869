// Shared by the tests (not exported from the package): condition waits and the leak check.
import { afterEach, beforeEach, expect } from 'vitest';

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const RUNTIME_HANDLES = new Set(['MessagePort', 'ProcessWrap', 'PipeWrap', 'Worker']);

function runtimeHandleCount(): number {
  return process.getActiveResourcesInfo().filter((name) => RUNTIME_HANDLES.has(name)).length;
}

/** After each test, every thread and child process the test opened must be gone. */
export function checkNoLeaks(): void {
  let baseline = 0;
  beforeEach(() => {
    baseline = runtimeHandleCount();
  });
  afterEach(async () => {
    // libuv frees a child's process handle a loop turn after 'close': wait for it, don't sleep.
    await waitFor(() => runtimeHandleCount() <= baseline, 'threads and processes to be released', 3000).catch(
      () => {},
    );
    expect(
      process.getActiveResourcesInfo().filter((name) => RUNTIME_HANDLES.has(name)).length,
    ).toBeLessThanOrEqual(baseline);
  });
}

/** Settles a promise into a plain outcome so a test can assert on rejections in bulk. */
export async function outcome<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}
