/**
 * A job without a worker: turning Dedicated Workers on for a script that no group is dedicated to
 * shows the "no worker serves this tag" warning, on the script page and on the Runs page.
 */
import { expect, test } from '../fixtures/app';
import { deployScript, expectJobStatus, runOnce, screenshot, setDedicated } from '../fixtures/ui';

const PATH = 'f/e2e/lonely';
const TAG = `dedicated:${PATH}`;
const LONELY = `export async function main() {
  return 'nobody runs me';
}
`;

test('Dedicated Workers with no dedicated group warns instead of waiting silently', async ({ page }) => {
  await deployScript(page, PATH, LONELY);
  // On tag `node` the default group's live generic worker serves it: no warning.
  await expect(page.getByTestId('settings-panel')).toContainText('served by group default · 1 live worker');
  await expect(page.getByTestId('no-worker-warning')).toBeHidden();

  await setDedicated(page, PATH, true);
  const warning = page.getByTestId('no-worker-warning');
  await expect(warning, 'the script page warns that no worker serves the dedicated tag').toBeVisible();
  await expect(warning).toContainText(`No worker serves tag ${TAG}`);
  await screenshot(page, '1-no-worker-warning');

  await runOnce(page, '{}');
  await expectJobStatus(page, 'queued');
  await page.getByTestId('nav-runs').click();
  const missing = page.getByTestId('tags-without-workers');
  await expect(missing, 'the Runs page lists the tag with queued jobs and no worker').toBeVisible();
  await expect(missing.locator(`[data-testid="tag-without-worker"][data-tag="${TAG}"]`)).toBeVisible();
  await expect(page.getByTestId('count-queued')).toHaveText('1');
  await screenshot(page, '2-tags-without-workers');
});
