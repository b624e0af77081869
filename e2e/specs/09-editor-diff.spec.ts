/**
 * The script editor is a real code editor: typing in it closes brackets and indents, a deploy makes
 * a new version, and the version history's diff shows exactly the lines added. Once on PostgreSQL,
 * once on PGlite.
 */
import { expect, test } from '../fixtures/app';
import { screenshot } from '../fixtures/ui';

const PATH = 'f/e2e/edited';
const V1 = `export function main() {
  return { v: 1 };
}
`;
const ADDED = ['export function edited() {', "  return 'yes';", '}'];

test.use({ genericWorker: false });

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('type in the editor, deploy: version 2, whose diff shows the change', async ({ app, page }) => {
      await app.api('POST', '/api/scripts', { path: PATH, content: V1, language: 'typescript' });
      await page.goto(`/#/scripts/${PATH}`);
      const code = page.getByRole('textbox', { name: 'Code' });
      await expect(code, 'the editor loaded with version 1').toContainText('return { v: 1 };');

      // Typed key by key: the editor closes "{" and "'" itself and indents the body.
      await code.click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('export function edited() {');
      await page.keyboard.press('Enter');
      await page.keyboard.type("return 'yes';");
      await page.getByRole('button', { name: 'Deploy new version' }).click();
      await expect(page.getByTestId('deploy-message')).toHaveText(`Deployed ${PATH} as version 2.`);

      const v2 = await app.api<{ content: string; version: number }>('GET', `/api/scripts/${PATH}`);
      expect(v2.version).toBe(2);
      expect(v2.content, 'brackets closed and the body indented by the editor').toBe(
        `${V1}${ADDED.join('\n')}`,
      );

      await page.getByRole('button', { name: 'Show the changes of version 2' }).click();
      const diff = page.getByTestId('version-diff');
      await expect(diff).toHaveAttribute('data-from', '1');
      await expect(diff).toHaveAttribute('data-to', '2');
      const added = diff
        .locator('[data-testid="diff-line"][data-kind="added"]')
        .getByTestId('diff-line-text');
      await expect(added, 'the diff shows the three lines typed').toHaveText(ADDED);
      await expect(diff.locator('[data-testid="diff-line"][data-kind="removed"]')).toHaveCount(0);
      await expect(diff.getByTestId('diff-summary')).toHaveText('+3 −0');
      await screenshot(page, '1-editor-and-diff');

      // The same pair the other way round: the lines are removed.
      await diff.getByLabel('Compare').selectOption('2');
      await diff.getByLabel('with').selectOption('1');
      await expect(diff.locator('[data-testid="diff-line"][data-kind="removed"]')).toHaveCount(3);
    });
  });
}
