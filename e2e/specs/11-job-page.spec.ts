/**
 * The job page: logs follow the live stream and stop following when the reader scrolls up; every
 * attempt is listed (a first attempt that failed, then the retry that succeeded); the result is
 * collapsible JSON whose text stays the whole document; re-run with edited args opens a new job
 * with those args. Once on PostgreSQL, once on PGlite.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures/app';
import { expectJobStatus, screenshot } from '../fixtures/ui';

const PATH = 'f/e2e/flaky';
// 100 log lines, then waits for a gate file; the first attempt fails (it leaves a marker file).
const FLAKY = `import { existsSync, writeFileSync } from 'node:fs';

export async function main(args: { gate: string; marker: string; note?: string }) {
  for (let i = 0; i < 100; i++) console.log(\`line \${i}\`);
  while (!existsSync(args.gate)) await new Promise((r) => setTimeout(r, 50));
  console.log('after gate');
  if (!existsSync(args.marker)) {
    writeFileSync(args.marker, 'x');
    throw new Error('first attempt fails');
  }
  return { note: args.note ?? null, nested: { list: [1, 2] } };
}
`;

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('following logs, attempts, collapsible result, re-run with edited args', async ({ app, page }) => {
      const dir = await mkdtemp(join(tmpdir(), 'millrace-e2e-flaky-'));
      const args = { gate: join(dir, 'gate'), marker: join(dir, 'marker') };
      try {
        await app.api('POST', '/api/scripts', { path: PATH, content: FLAKY });
        await app.api('PUT', `/api/script-settings/${PATH}`, { maxAttempts: 2 });
        const { id } = await app.api<{ id: string }>('POST', '/api/jobs', { path: PATH, args });
        await page.goto(`/#/jobs/${id}`);

        const logs = page.getByTestId('job-logs');
        await expect(logs).toContainText('line 99');
        await expect(logs, 'following the stream').toHaveAttribute('data-follow', 'true');
        await expect
          .poll(() => logs.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), {
            message: 'scrolled to the newest line',
          })
          .toBeLessThanOrEqual(2);

        // The reader scrolls up: following stops, and new output does not pull the view down.
        await logs.hover();
        await page.mouse.wheel(0, -5000);
        await expect(logs).toHaveAttribute('data-follow', 'false');
        await writeFile(args.gate, 'open');
        await expect(logs).toContainText('after gate');
        expect(await logs.evaluate((el) => el.scrollTop), 'still where the reader left it').toBe(0);
        await page.getByRole('button', { name: 'Follow new output' }).click();
        await expect(logs).toHaveAttribute('data-follow', 'true');
        await expect
          .poll(() => logs.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
          .toBeLessThanOrEqual(2);

        // The first attempt failed, the retry succeeded: both are listed.
        await expectJobStatus(page, 'success');
        const attempts = page.getByTestId('job-attempts').getByTestId('job-attempt-row');
        await expect(attempts).toHaveCount(2);
        await expect(attempts.nth(0)).toHaveAttribute('data-status', 'failure');
        await expect(attempts.nth(0)).toContainText('first attempt fails');
        await expect(attempts.nth(1)).toHaveAttribute('data-status', 'success');

        // Collapsing a node hides it but the element's text is still the whole JSON document.
        const result = page.getByTestId('job-result');
        await page.getByRole('button', { name: 'Collapse Result.nested (1 keys)' }).click();
        await expect(page.getByRole('button', { name: 'Expand Result.nested (1 keys)' })).toHaveAttribute(
          'aria-expanded',
          'false',
        );
        await expect(result.getByText('"list"')).toBeHidden();
        expect(JSON.parse((await result.textContent()) ?? '')).toEqual({
          note: null,
          nested: { list: [1, 2] },
        });
        await screenshot(page, '1-job-page');

        // Re-run with edited args: a new job, with those args.
        await page.getByRole('button', { name: 'Re-run with edited args…' }).click();
        const box = page.getByLabel('Args (a JSON object)');
        await expect(box).toHaveValue(JSON.stringify(args, null, 2));
        await box.fill('[1, 2]');
        await page.getByRole('button', { name: 'Re-run with these args' }).click();
        await expect(
          page.getByTestId('rerun-args-error'),
          'an array is refused before sending',
        ).toContainText('must be a JSON object');
        await box.fill(JSON.stringify({ ...args, note: 'edited' }));
        await page.getByRole('button', { name: 'Re-run with these args' }).click();
        await expect(page).not.toHaveURL(new RegExp(`#/jobs/${id}$`));
        await expect(page).toHaveURL(/#\/jobs\/[^/?]+$/);
        await expectJobStatus(page, 'success');
        await expect(page.getByTestId('job-args')).toContainText('"note": "edited"');
        await expect(page.getByTestId('job-result')).toContainText('"note": "edited"');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
