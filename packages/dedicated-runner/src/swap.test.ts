import { describe, expect, test } from 'vitest';
import { LoadError, openRunner } from './index';
import { checkNoLeaks, waitFor } from './test-support';

checkNoLeaks();

const version = (v: number) => `
export async function main({ waitMs = 0 }) {
  console.log('v${v}');
  if (waitMs) await new Promise((resolve) => setTimeout(resolve, waitMs));
  return { version: ${v} };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('swap: in-flight calls finish on the old version, new calls go to the new one, none is lost', async () => {
    const runner = await openRunner({ content: version(1), runtime, concurrency: 2 });
    try {
      const logs: string[] = [];
      const old = Array.from({ length: 20 }, () =>
        runner.run({ waitMs: 200 }, { onLog: (t) => logs.push(t) }),
      );
      await waitFor(() => logs.length === 20, 'old calls to start');
      let oldSettled = 0;
      for (const call of old) void call.finally(() => (oldSettled += 1));
      const swap = runner.swap(version(2));
      // Keep calling until one lands on v2: that happens once v2 has loaded, while v1 still drains.
      let fresh = (await runner.run({})) as { version: number };
      while (fresh.version === 1) fresh = (await runner.run({})) as { version: number };
      expect(fresh).toEqual({ version: 2 });
      expect(await Promise.all(old)).toEqual(old.map(() => ({ version: 1 })));
      await swap;
      // swap() resolves only after the old version drained and closed.
      expect(oldSettled).toBe(20);
      expect(await runner.run({})).toEqual({ version: 2 });
    } finally {
      await runner.close();
    }
  });

  test('swap to content that does not load rejects LoadError and the old version keeps serving', async () => {
    const runner = await openRunner({ content: version(1), runtime });
    try {
      await expect(runner.swap('export const nope = 1;')).rejects.toBeInstanceOf(LoadError);
      expect(await runner.run({})).toEqual({ version: 1 });
    } finally {
      await runner.close();
    }
  });
});
