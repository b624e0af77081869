/**
 * Schedules from the UI: create a schedule on the Schedules page, see its next runs, watch its
 * first run appear and succeed (fired by the server's and the worker's scheduler loops, one job
 * per tick), open that run, then switch the schedule off. Once on PostgreSQL, once on PGlite.
 */
import { expect, test } from '../fixtures/app';
import { deployScript, expectJobStatus, screenshot } from '../fixtures/ui';

const TICK = `export async function main(args: { label: string }) {
  console.log('tick for', args.label);
  return { ticked: args.label };
}
`;

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('create a schedule in the UI and watch its run appear', async ({ page }) => {
      await deployScript(page, 'f/e2e/tick', TICK);
      await page.getByTestId('nav-schedules').click();
      await expect(page).toHaveURL(/#\/schedules$/);
      await expect(page.getByTestId('schedules-empty')).toBeVisible();

      await page.getByTestId('schedule-name-input').fill('every-ten-seconds');
      await page.getByTestId('schedule-path-input').fill('f/e2e/tick');
      await page.getByTestId('schedule-cron-input').fill('*/10 * * * * *');
      await page.getByTestId('schedule-timezone-input').fill('Europe/Berlin');
      await page.getByTestId('schedule-args-input').fill('{"label": "e2e"}');
      await page.getByTestId('schedule-save-button').click();

      const row = page.locator('[data-testid="schedule-row"][data-schedule-name="every-ten-seconds"]');
      await expect(row).toHaveAttribute('data-enabled', 'true');
      await expect(row.getByTestId('schedule-next-runs').locator('div'), 'the next three runs').toHaveCount(
        3,
      );
      await screenshot(page, '1-created');

      // the first tick fires within ten seconds; the page polls and shows the run's status
      const status = row.getByTestId('schedule-last-run-status');
      await expect(status, 'the first run appears and succeeds').toHaveAttribute('data-status', 'success', {
        timeout: 30_000,
      });
      await screenshot(page, '2-first-run');

      await row.getByTestId('schedule-last-run-link').click();
      await expect(page).toHaveURL(/#\/jobs\/[^/?]+$/);
      await expectJobStatus(page, 'success');
      await expect(page.getByTestId('job-result')).toContainText('"e2e"');
      await expect(page.getByTestId('job-schedule'), 'the run says which schedule made it').toContainText(
        'every-ten-seconds',
      );

      await page.getByTestId('nav-schedules').click();
      await row.getByTestId('schedule-enabled-toggle').uncheck();
      await expect(row).toHaveAttribute('data-enabled', 'false');
      await expect(row.getByTestId('schedule-next-runs')).toHaveText('—');
      await screenshot(page, '3-disabled');
    });

    test('a bad cron is refused with the server message and nothing is created', async ({ page }) => {
      await deployScript(page, 'f/e2e/tick', TICK);
      await page.goto('/#/schedules');
      await page.getByTestId('schedule-name-input').fill('broken');
      await page.getByTestId('schedule-path-input').fill('f/e2e/tick');
      await page.getByTestId('schedule-cron-input').fill('99 * * * *');
      await page.getByTestId('schedule-save-button').click();
      await expect(page.getByTestId('schedule-form-error')).toContainText('invalid_schedule');
      await expect(page.getByTestId('schedules-empty')).toBeVisible();
    });
  });
}
