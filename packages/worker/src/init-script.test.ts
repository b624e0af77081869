import { MillraceError } from '@millrace/db';
import { describe, expect, it } from 'vitest';
import { InitScriptFailedError } from './errors';
import { runInitScript } from './init-script';

describe('runInitScript', () => {
  it("returns the script's output", async () => {
    await expect(runInitScript('echo "$GREETING"', { GREETING: 'hi' })).resolves.toBe('hi\n');
  });

  it('rejects a failing script with a typed error naming its stderr', async () => {
    const failed = runInitScript('echo nope >&2; exit 3', {});
    await expect(failed).rejects.toBeInstanceOf(InitScriptFailedError);
    await expect(failed).rejects.toBeInstanceOf(MillraceError);
    await expect(failed).rejects.toMatchObject({
      code: 'init_script_failed',
      message: expect.stringContaining('nope'),
    });
  });
});
