/**
 * "The two steps at a glance": the script's settings panel and the dedicated group's card say which
 * step of Dedicated Workers is done and what happens to new jobs now, and change as each step is
 * taken — toggle first (jobs wait: nothing serves the tag), then the group (no live worker yet),
 * then its worker (warm), then the toggle off again. Once on PostgreSQL, once on PGlite.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures/app';
import { screenshot, setDedicated } from '../fixtures/ui';

const PATH = 'f/e2e/steps';
const TAG = `dedicated:${PATH}`;
const GROUP = 'steps';

async function expectSteps(where: Locator, group: boolean, toggle: boolean, outcome: string, text: string) {
  const steps = where.getByTestId('dedicated-steps');
  await expect(
    steps.getByTestId('dedicated-step-group'),
    'step 1: a group dedicated to the script',
  ).toHaveAttribute('data-done', String(group));
  await expect(steps.getByTestId('dedicated-step-toggle'), "step 2: the script's toggle").toHaveAttribute(
    'data-done',
    String(toggle),
  );
  await expect(steps).toHaveAttribute('data-outcome', outcome);
  await expect(steps.getByTestId('dedicated-outcome')).toContainText(text);
}

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('the two-step indicator follows each step', async ({ app, page }) => {
      await app.api('POST', '/api/scripts', { path: PATH, content: 'export const main = () => 1;\n' });
      await page.goto(`/#/scripts/${PATH}`);
      const panel = page.getByTestId('settings-panel');
      await expectSteps(panel, false, false, 'generic', 'New jobs get tag node and run on generic workers');

      // Step 2 alone: jobs would wait, nothing serves the dedicated tag.
      await setDedicated(page, PATH, true);
      await expectSteps(panel, false, true, 'no-worker', `New jobs wait: no worker serves ${TAG}.`);

      // Step 1 on the Workers page: the form opens from its button.
      await page.goto('/#/workers');
      await expect(page.getByTestId('group-editor'), 'no form standing open on load').toHaveCount(0);
      await page.getByRole('button', { name: '+ New group' }).click();
      await page.getByLabel('Name').fill(GROUP);
      await page.getByLabel('Dedicated to script (empty = generic)').fill(PATH);
      await page.getByRole('button', { name: 'Create group' }).click();
      await expect(page.getByTestId('group-message')).toContainText(`Saved group ${GROUP}.`);
      await expect(page.getByTestId('group-editor'), 'the form closes once saved').toHaveCount(0);
      const card = page.getByTestId(`group-row-${GROUP}`);
      await expectSteps(card, true, true, 'no-live-worker', 'no worker of it is alive');

      await app.startWorker(GROUP, { name: 'steps-1' });
      await expectSteps(
        card,
        true,
        true,
        'warm',
        `New jobs run back to back on the warm dedicated worker of ${GROUP}.`,
      );
      await screenshot(page, '1-group-card-both-steps');

      await page.goto(`/#/scripts/${PATH}`);
      await expectSteps(panel, true, true, 'warm', `warm dedicated worker of ${GROUP}`);
      await screenshot(page, '2-script-both-steps');

      // Toggled off again: generic workers run the jobs, the dedicated group idles.
      await setDedicated(page, PATH, false);
      await expectSteps(panel, true, false, 'generic', `${GROUP} stay idle until the script is toggled`);
      await page.goto('/#/workers');
      await expectSteps(card, true, false, 'generic', `${GROUP} stay idle`);
    });
  });
}
