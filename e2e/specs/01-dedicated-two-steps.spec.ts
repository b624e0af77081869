/**
 * The seed's two steps, through the UI: a worker group dedicated to the script (its dedicated
 * worker process starts) and the script's Dedicated Workers toggle. Then 50 runs: each is its own
 * job tagged dedicated:<path>, with its own result and logs, and the worker's job count rises.
 */
import { expect, test } from '../fixtures/app';
import { deployScript, screenshot, setDedicated } from '../fixtures/ui';

const PATH = 'f/e2e/echo';
const TAG = `dedicated:${PATH}`;
const GROUP = 'echo';
const WORKER = 'echo-dedicated-1';
const RUNS = 50;

// Module state survives from job to job only in a warm runtime: each job gets its own
// (runtime, call number) pair, and a runtime that served several jobs counts past 1.
const ECHO = `const runtime = Math.random().toString(36).slice(2, 8);
let calls = 0;

export async function main(args: { note: string }) {
  calls += 1;
  console.log(\`\${runtime} call \${calls}: \${args.note}\`);
  return { runtime, call: calls, note: args.note };
}
`;

type JobSummary = { id: string; status: string; tag: string; worker: string | null };
type Job = JobSummary & { result: { runtime: string; call: number; note: string } | null };

test('dedicated worker group + Dedicated Workers toggle: 50 runs, each its own job', async ({
  app,
  page,
}) => {
  await deployScript(page, PATH, ECHO);

  // Step 1: on the Workers page, a group dedicated to the script; its worker process starts.
  await page.goto('/#/workers');
  await page.getByTestId('new-group-button').click();
  await page.getByTestId('group-name-input').fill(GROUP);
  await page.getByTestId('group-dedicated-input').fill(PATH);
  await page.getByTestId('group-concurrency-input').fill('2');
  await page.getByTestId('group-save-button').click();
  await expect(page.getByTestId('group-message'), 'saving the group').toContainText(`Saved group ${GROUP}.`);
  const group = page.getByTestId(`group-row-${GROUP}`);
  await expect(group.getByTestId('group-dedicated')).toContainText(PATH);
  await expect(group.getByTestId('group-tags')).toHaveText(TAG);

  await app.spawnWorker(GROUP, WORKER);
  const worker = group.locator(`[data-testid="worker-row"][data-worker-name="${WORKER}"]`);
  await expect(worker, 'the dedicated worker process shows up alive in its group').toHaveAttribute(
    'data-alive',
    'true',
  );
  await expect(group.getByTestId('group-workers-alive')).toHaveText('1 / 1');
  await expect(group.getByTestId('group-jobs-done')).toHaveText('0');
  await screenshot(page, '1-dedicated-group-with-worker');

  // Step 2: the script's Dedicated Workers toggle.
  await page.goto(`/#/scripts/${PATH}`);
  await setDedicated(page, PATH, true);
  await expect(page.getByTestId('no-worker-warning')).toBeHidden();

  // 50 runs in one push; the Runs page opens filtered on the script.
  await page.getByTestId('run-args-input').fill('{"note":"seed"}');
  await page.getByTestId('run-count-input').fill(String(RUNS));
  await page.getByTestId('run-button').click();
  await expect(page).toHaveURL(new RegExp(`#/runs\\?path=${PATH.replaceAll('/', '(/|%2F)')}`));
  const rows = page.getByTestId('job-row');
  await expect(rows, `${RUNS} separate jobs in the list`).toHaveCount(RUNS);
  await expect(
    page.locator('[data-testid="job-row"][data-status="success"]'),
    `all ${RUNS} jobs succeed on the dedicated worker`,
  ).toHaveCount(RUNS, { timeout: 45_000 });
  for (const tag of await rows.getByTestId('job-tag').allTextContents()) expect(tag.trim()).toBe(TAG);
  for (const name of await rows.getByTestId('job-worker').allTextContents()) expect(name.trim()).toBe(WORKER);
  await expect(page.getByTestId('count-success')).toHaveText(String(RUNS));
  await screenshot(page, '2-fifty-runs');

  // Each job: its own id, result and logs (the call number in the result is the one it logged).
  const { jobs } = await app.api<{ jobs: JobSummary[] }>('GET', `/api/jobs?path=${PATH}&limit=100`);
  expect(jobs).toHaveLength(RUNS);
  expect(new Set(jobs.map((j) => j.id)).size, 'job ids are distinct').toBe(RUNS);
  const results = new Set<string>();
  let maxCall = 0;
  for (const summary of jobs) {
    const job = await app.api<Job>('GET', `/api/jobs/${summary.id}`);
    expect(job.status).toBe('success');
    expect(job.tag).toBe(TAG);
    expect(job.result?.note).toBe('seed');
    const line = `${job.result?.runtime} call ${job.result?.call}: seed`;
    results.add(line);
    maxCall = Math.max(maxCall, job.result?.call ?? 0);
    const logs = await fetch(`${app.url}/api/jobs/${summary.id}/logs`).then((r) => r.text());
    expect(logs, `job ${summary.id} has its own log`).toBe(`${line}\n`);
  }
  expect(results.size, 'every run has its own result').toBe(RUNS);
  expect(maxCall, 'the script stayed warm: a runtime served many jobs').toBeGreaterThan(1);

  // One of them through the job page.
  await rows.first().getByTestId('job-link').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-status', 'success');
  await expect(page.getByTestId('job-tag')).toHaveText(TAG);
  await expect(page.getByTestId('job-worker')).toHaveText(WORKER);
  const shown = JSON.parse((await page.getByTestId('job-result').textContent()) ?? 'null');
  await expect(page.getByTestId('job-logs')).toHaveText(`${shown.runtime} call ${shown.call}: seed`, {
    useInnerText: true,
  });
  await screenshot(page, '3-one-job');

  // The Workers page shows the dedicated worker's job count risen to 50.
  await page.goto('/#/workers');
  await expect(group.getByTestId('group-jobs-done'), "the dedicated worker's jobs count").toHaveText(
    String(RUNS),
  );
  await expect(worker.getByTestId('worker-jobs-done')).toHaveText(String(RUNS));
  await screenshot(page, '4-workers-jobs-done');
});
