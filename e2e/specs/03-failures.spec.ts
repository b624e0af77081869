/**
 * Failures are readable: a thrown error shows its name, message and stack; a timeout says
 * "Timed out"; invalid JSON args are refused in the run form and nothing is queued.
 */
import { expect, test } from '../fixtures/app';
import { deployScript, expectJobStatus, runOnce, screenshot } from '../fixtures/ui';

const THROWS = `function parseAmount(input: string): number {
  throw new TypeError(\`bad amount: \${input}\`);
}

export async function main(args: { amount: string }) {
  console.log('parsing', args.amount);
  return parseAmount(args.amount);
}
`;

const SLEEPS = `export async function main() {
  console.log('going to sleep for a minute');
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  return 'woke up';
}
`;

test('a script that throws shows the error name, message and stack', async ({ page }) => {
  await deployScript(page, 'f/e2e/throws', THROWS);
  await runOnce(page, '{"amount": "abc"}');

  await expectJobStatus(page, 'failure');
  const error = page.getByTestId('job-error');
  await expect(error.getByTestId('job-error-name')).toContainText('TypeError');
  await expect(error.getByTestId('job-error-message')).toHaveText('bad amount: abc');
  await expect(error.getByTestId('job-error-stack'), 'the stack names the throwing function').toContainText(
    'parseAmount',
  );
  await expect(page.getByTestId('job-result')).toHaveCount(0);
  await expect(page.getByTestId('job-logs')).toContainText('parsing abc');
  await screenshot(page, 'thrown-error');
});

test('a job past its timeout shows "timed out"', async ({ page }) => {
  await deployScript(page, 'f/e2e/sleeps', SLEEPS);
  await page.getByTestId('settings-timeout-input').fill('1');
  await page.getByTestId('settings-save-button').click();
  await expect(page.getByTestId('settings-message')).toHaveText('Settings saved.');

  await runOnce(page, '{}');
  await expectJobStatus(page, 'failure');
  const reason = page.getByTestId('job-error-reason');
  await expect(reason).toHaveAttribute('data-reason', 'timeout');
  await expect(reason).toHaveText(/timed out/i);
  await expect(page.getByTestId('job-error-message')).toContainText('timed out');
  await expect(page.getByTestId('job-logs')).toContainText('going to sleep for a minute');
  await screenshot(page, 'timed-out');
});

test('invalid JSON args are refused in the form and nothing is queued', async ({ app, page }) => {
  await deployScript(page, 'f/e2e/throws', THROWS);
  const pushes: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname.startsWith('/api/jobs'))
      pushes.push(req.url());
  });
  const scriptUrl = page.url();

  for (const bad of ['{"amount": "abc",', '[1, 2]', 'amount=abc']) {
    await page.getByTestId('run-args-input').fill(bad);
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-args-error'), `args ${bad} are refused with a message`).toBeVisible();
    await expect(page.getByTestId('run-args-error')).not.toBeEmpty();
    await expect(page.getByTestId('run-args-input')).toHaveAttribute('aria-invalid', 'true');
    expect(page.url(), 'the form stays on the script page').toBe(scriptUrl);
  }
  await screenshot(page, 'invalid-args');

  expect(pushes, 'the form sent no push request').toEqual([]);
  const { jobs } = await app.api<{ jobs: unknown[] }>('GET', '/api/jobs');
  expect(jobs, 'no job was queued').toEqual([]);
  await page.getByTestId('nav-runs').click();
  await expect(page.getByTestId('jobs-empty')).toBeVisible();
  await expect(page.getByTestId('count-queued')).toHaveText('0');
});
