/**
 * Redeploy a dedicated script from the UI: later runs use the new version on the same, still
 * running dedicated worker; earlier jobs keep the result of the version they ran.
 */
import { expect, test } from '../fixtures/app';
import { expectJobStatus, runOnce, screenshot } from '../fixtures/ui';

const PATH = 'f/e2e/versioned';
const GROUP = 'versioned';
const WORKER = 'versioned-1';
const version = (n: number) => `export async function main() {
  console.log('running version ${n}');
  return { version: ${n} };
}
`;

type Job = { id: string; hash: string; worker: string | null; result: unknown };

test('redeploy a dedicated script: new runs use v2 without a restart, old results keep v1', async ({
  app,
  page,
}) => {
  // Setup through the API: the script (v1), a group dedicated to it, the Dedicated Workers setting.
  await app.api('POST', '/api/scripts', { path: PATH, content: version(1) });
  await app.api('PUT', `/api/worker-groups/${GROUP}`, { dedicatedWorker: PATH, concurrency: 1 });
  await app.api('PUT', `/api/script-settings/${PATH}`, { dedicated: true });
  await app.startWorker(GROUP, { name: WORKER });

  await page.goto(`/#/scripts/${PATH}`);
  await expect(page.getByTestId('resolved-tag')).toHaveText(`dedicated:${PATH}`);
  const first = await runOnce(page, '{}');
  await expectJobStatus(page, 'success');
  await expect(page.getByTestId('job-result')).toContainText('"version": 1');
  await expect(page.getByTestId('job-worker')).toHaveText(WORKER);

  // Redeploy from the script page.
  await page.goto(`/#/scripts/${PATH}`);
  await page.getByTestId('script-content-input').fill(version(2));
  await page.getByTestId('deploy-button').click();
  await expect(page.getByTestId('deploy-message')).toHaveText(`Deployed ${PATH} as version 2.`);
  await expect(page.getByTestId('version-history').getByTestId('version-row-2')).toBeVisible();
  await expect(page.getByTestId('resolved-tag')).toHaveText(`dedicated:${PATH}`);
  await screenshot(page, '1-redeployed-v2');

  const second = await runOnce(page, '{}');
  await expectJobStatus(page, 'success');
  await expect(page.getByTestId('job-result'), 'the run after the redeploy uses v2').toContainText(
    '"version": 2',
  );
  await expect(page.getByTestId('job-worker'), 'the same worker, not restarted').toHaveText(WORKER);
  await expect(page.getByTestId('job-logs')).toContainText('running version 2');
  await screenshot(page, '2-run-on-v2');

  // The earlier job keeps its version's result.
  await page.goto(`/#/jobs/${first}`);
  await expect(page.getByTestId('job-result'), 'the earlier job keeps its v1 result').toContainText(
    '"version": 1',
  );
  await expect(page.getByTestId('job-logs')).toContainText('running version 1');
  const [a, b] = await Promise.all([
    app.api<Job>('GET', `/api/jobs/${first}`),
    app.api<Job>('GET', `/api/jobs/${second}`),
  ]);
  expect(a.hash, 'the two jobs ran different script versions').not.toBe(b.hash);

  // Still one worker in the group, alive, which ran both jobs.
  await page.getByTestId('nav-workers').click();
  const group = page.getByTestId(`group-row-${GROUP}`);
  await expect(group.getByTestId('group-workers-alive')).toHaveText('1 / 1');
  await expect(group.getByTestId('group-jobs-done')).toHaveText('2');
  await screenshot(page, '3-same-worker');
});
