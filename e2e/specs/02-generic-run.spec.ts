/**
 * A generic run from the UI: JSON args in the run form, the job page shows queued → running →
 * success, its logs arrive while it runs (SSE), and its result. Once on PostgreSQL, once on PGlite.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures/app';
import { deployScript, expectJobStatus, runOnce, screenshot } from '../fixtures/ui';

// Waits for a file the test creates, so "running" and the first log line are seen before it ends.
const GREET = `import { existsSync } from 'node:fs';

export async function main(args: { name: string; gate: string }) {
  console.log(\`hello \${args.name}, waiting for the gate\`);
  while (!existsSync(args.gate)) await new Promise((r) => setTimeout(r, 50));
  console.log('gate open, finishing');
  return { greeting: \`hello \${args.name}\`, letters: args.name.length };
}
`;

// no generic worker at first: the job must be seen queued before one starts
test.use({ genericWorker: false });

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('run with JSON args: queued → running (live logs) → success with result', async ({ app, page }) => {
      const dir = await mkdtemp(join(tmpdir(), 'millrace-e2e-gate-'));
      const gate = join(dir, 'open');
      try {
        await deployScript(page, 'f/e2e/greet', GREET);
        await runOnce(page, JSON.stringify({ name: 'QA', gate }));

        await expectJobStatus(page, 'queued');
        await expect(page.getByTestId('job-args')).toContainText('"QA"');
        await expect(page.getByTestId('job-tag')).toHaveText('node');
        await screenshot(page, '1-queued');

        await app.startWorker('default', { name: 'generic-1' });
        await expectJobStatus(page, 'running');
        const logs = page.getByTestId('job-logs');
        await expect(logs, 'the first log line streams in while the job runs').toContainText(
          'hello QA, waiting for the gate',
        );
        await expect(logs).toHaveAttribute('data-state', 'streaming');
        await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'running');
        await expect(page.getByTestId('job-worker')).toHaveText('generic-1');
        await screenshot(page, '2-running-live-logs');

        await writeFile(gate, '');
        await expectJobStatus(page, 'success');
        await expect(logs).toContainText('gate open, finishing');
        await expect(logs).toHaveAttribute('data-state', 'ended');
        const result = JSON.parse((await page.getByTestId('job-result').textContent()) ?? 'null');
        expect(result, 'the result shown is what main returned').toEqual({
          greeting: 'hello QA',
          letters: 2,
        });
        await screenshot(page, '3-success');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
