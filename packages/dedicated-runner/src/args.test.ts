import { describe, expect, test } from 'vitest';
import { InvalidArgsError, InvalidRunnerOptionsError, openRunner } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('args that cannot be sent reject InvalidArgsError alone; the other calls of the batch run', async () => {
    const runner = await openRunner({ content: 'export const main = (args) => args.n * 2;', runtime });
    try {
      const bad = runner.run({ n: 1, callback: runtime === 'thread' ? () => 1 : 10n });
      const good = runner.run({ n: 2 });
      await expect(bad).rejects.toBeInstanceOf(InvalidArgsError);
      expect(await good).toBe(4);
    } finally {
      await runner.close();
    }
  });
});

test('invalid options are refused before anything starts', async () => {
  await expect(openRunner({})).rejects.toBeInstanceOf(InvalidRunnerOptionsError);
  await expect(openRunner({ content: 'x', handler: () => 1 })).rejects.toThrow(/exactly one of content/);
  await expect(openRunner({ content: 'x', concurrency: 0 })).rejects.toThrow(
    'concurrency must be a positive integer',
  );
  await expect(openRunner({ content: 'x', language: 'python', runtime: 'thread' })).rejects.toThrow(
    'python scripts run in the process runtime',
  );
  await expect(openRunner({ handler: () => 1, runtime: 'thread' })).rejects.toBeInstanceOf(
    InvalidRunnerOptionsError,
  );
});
