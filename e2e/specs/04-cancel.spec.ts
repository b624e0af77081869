/** Cancel a long-running job from its page: it ends canceled, and its worker goes on with the next job. */
import { expect, test } from '../fixtures/app';
import { deployScript, expectJobStatus, runOnce, screenshot } from '../fixtures/ui';

const FOREVER = `export async function main() {
  for (let i = 1; ; i++) {
    console.log(\`tick \${i}\`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
`;

const QUICK = `export async function main(args: { n: number }) {
  return { doubled: args.n * 2 };
}
`;

test('cancel a running job: it ends canceled and the worker runs the next job', async ({ page }) => {
  await deployScript(page, 'f/e2e/forever', FOREVER);
  await runOnce(page, '{}');
  await expectJobStatus(page, 'running');
  await expect(page.getByTestId('job-logs'), 'the job is busy (logging ticks)').toContainText('tick 2');
  await expect(page.getByTestId('job-worker')).toHaveText('generic-1');

  await page.getByTestId('job-cancel-button').click();
  await expectJobStatus(page, 'canceled');
  await expect(page.getByTestId('job-cancel-button')).toBeDisabled();
  await expect(page.getByTestId('job-action-error')).toHaveCount(0);
  await expect(page.getByTestId('job-logs')).toHaveAttribute('data-state', 'ended');
  await screenshot(page, '1-canceled');

  // The same worker takes the next job.
  await deployScript(page, 'f/e2e/quick', QUICK);
  await runOnce(page, '{"n": 21}');
  await expectJobStatus(page, 'success');
  await expect(page.getByTestId('job-worker')).toHaveText('generic-1');
  await expect(page.getByTestId('job-result')).toContainText('"doubled": 42');

  await page.getByTestId('nav-workers').click();
  const worker = page.locator('[data-testid="worker-row"][data-worker-name="generic-1"]');
  await expect(worker).toHaveAttribute('data-alive', 'true');
  await expect(worker.getByTestId('worker-current-job')).not.toContainText(/\d/);
  await screenshot(page, '2-worker-goes-on');
});
