/**
 * A script that imports an npm package and another deployed script, deployed through the UI: the
 * deploy resolves and bundles them, the version history shows what the version is locked to, and
 * a run on the generic worker uses both. Once on PostgreSQL, once on PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures/app';
import { deployScript, expectJobStatus, runOnce, screenshot } from '../fixtures/ui';

// The server's install cache for this spec's worker (Settings reads it when the app fixture
// builds it, after beforeAll); made here, not at load time, which the runner's process also does.
let cacheDir = '';
test.beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'millrace-e2e-deps-'));
  process.env.MILLRACE_DEPS_CACHE_DIR = cacheDir;
});
test.afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const LIB = `export function label(ms: number) { return ms + ' ms'; }
export function main() { return null; }
`;

const WAIT = `// millrace: deps ms@2.1.3
import ms from 'ms';
import { label } from 'millrace:f/e2e/lib';

export function main(args: { span: string }) {
  return { ms: ms(args.span), label: label(ms(args.span)) };
}
`;

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('deploy with an npm import and a script import, see the lock, run it', async ({ page }) => {
      await deployScript(page, 'f/e2e/lib', LIB);

      await page.goto('/#/scripts');
      await page.getByTestId('script-path-input').fill('f/e2e/wait');
      await page.getByTestId('script-content-input').fill(WAIT);
      await page.getByTestId('deploy-button').click();
      // the first deploy installs ms from the registry: allow for it
      await expect(page.getByTestId('deploy-message')).toHaveText('Deployed f/e2e/wait as version 1.', {
        timeout: 60_000,
      });

      const deps = page.getByTestId('version-row-1').getByTestId('version-deps');
      await expect(deps).toContainText('ms@2.1.3');
      await expect(deps).toContainText('millrace:f/e2e/lib v1');
      await screenshot(page, '1-locked-dependencies');

      await runOnce(page, JSON.stringify({ span: '2m' }));
      await expectJobStatus(page, 'success');
      const result = JSON.parse((await page.getByTestId('job-result').textContent()) ?? 'null');
      expect(result).toEqual({ ms: 120_000, label: '120000 ms' });
    });
  });
}
