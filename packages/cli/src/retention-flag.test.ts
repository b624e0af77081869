import type { CommanderError } from 'commander';
import { expect, it } from 'vitest';
import { retentionDuration } from './retention-flag';
import { millrace } from './test-support';

it('reads retention durations in minutes, hours or days, and 0 as forever', () => {
  expect(retentionDuration('90m')).toBe(90 * 60_000);
  expect(retentionDuration('12h')).toBe(12 * 3_600_000);
  expect(retentionDuration('30d')).toBe(30 * 86_400_000);
  expect(retentionDuration('0')).toBe(0);
});

it('refuses a malformed --retention on server, dev and worker before touching a database', async () => {
  for (const args of [['server'], ['dev'], ['worker', '--group', 'default']]) {
    for (const bad of ['30', '-1d', '1w', '0d', 'soon']) {
      const { err, error } = await millrace([...args, '--retention', bad]);
      expect((error as CommanderError).exitCode).toBe(1);
      expect(err).toContain('expected a duration like 30d');
    }
  }
});
