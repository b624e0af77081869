/**
 * The job timeline shows what Dedicated Workers are about: the same script run 20 times on a
 * generic worker (a fresh process per job) and 20 times on a dedicated worker (warm, back to back).
 * The gaps are computed here from the rendered bars' data (data-lane/-queued/-start/-end), not from
 * pixels, and the generic worker's mean gap must be the larger. Once on PostgreSQL, once on PGlite.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/app';
import { screenshot } from '../fixtures/ui';

const PATH = 'f/e2e/quick';
const GROUP = 'quick';
const GENERIC = 'generic-1'; // the fixture's worker in group `default`
const DEDICATED = 'quick-dedicated-1';
const RUNS = 20;
const QUICK = `export function main(args: { n: number }) {
  return { n: args.n };
}
`;

type BarData = { id: string; worker: string; lane: number; queued: number; start: number; end: number };

/** Every rendered bar's data, as the DOM carries it. */
async function renderedBars(page: Page): Promise<BarData[]> {
  return page.getByTestId('timeline-bar').evaluateAll((els) =>
    els.map((el) => {
      const d = (el as unknown as { dataset: Record<string, string | undefined> }).dataset;
      return {
        id: d.jobId ?? '',
        worker: d.worker ?? '',
        lane: Number(d.lane),
        queued: Number(d.queued),
        start: Number(d.start),
        end: Number(d.end),
      };
    }),
  );
}

/** Per lane, the next job's start minus the later of the previous end and the next job's push. */
function meanGap(bars: BarData[]): number {
  const lanes = new Map<number, BarData[]>();
  for (const b of bars) lanes.set(b.lane, [...(lanes.get(b.lane) ?? []), b]);
  const gaps: number[] = [];
  for (const lane of lanes.values()) {
    lane.sort((a, b) => a.start - b.start);
    for (let i = 1; i < lane.length; i++) {
      expect(lane[i].start, 'bars of one lane never overlap').toBeGreaterThanOrEqual(lane[i - 1].end);
      gaps.push(Math.max(0, lane[i].start - Math.max(lane[i - 1].end, lane[i].queued)));
    }
  }
  expect(gaps.length, 'some jobs follow each other in a lane').toBeGreaterThan(0);
  return gaps.reduce((a, b) => a + b, 0) / gaps.length;
}

async function runAll(app: { api: <T>(m: string, p: string, b?: unknown) => Promise<T> }): Promise<string[]> {
  const { ids } = await app.api<{ ids: string[] }>('POST', '/api/jobs', {
    jobs: Array.from({ length: RUNS }, (_, n) => ({ path: PATH, args: { n } })),
  });
  await expect
    .poll(
      async () => {
        const { jobs } = await app.api<{ jobs: { id: string; status: string }[] }>(
          'GET',
          `/api/jobs?path=${PATH}&status=success&limit=100`,
        );
        return ids.filter((id) => jobs.some((j) => j.id === id)).length;
      },
      { message: `all ${RUNS} runs succeed`, timeout: 45_000 },
    )
    .toBe(RUNS);
  return ids;
}

for (const driver of ['postgres', 'pglite'] as const) {
  test.describe(`on ${driver}`, () => {
    test.use({ driver });

    test('generic gaps are larger than dedicated gaps for the same script, read from the bars', async ({
      app,
      page,
    }) => {
      await app.api('POST', '/api/scripts', { path: PATH, content: QUICK });
      await app.api('PUT', `/api/worker-groups/${GROUP}`, { dedicatedWorker: PATH, concurrency: 1 });
      await app.startWorker(GROUP, { name: DEDICATED });

      // 20 runs as a generic job (tag node), then 20 as a dedicated one.
      const genericIds = await runAll(app);
      await app.api('PUT', `/api/script-settings/${PATH}`, { dedicated: true });
      const dedicatedIds = await runAll(app);

      await page.goto('/#/timeline');
      await page.getByLabel('Window').selectOption('60');
      const bar = (worker: string) =>
        page.locator(`[data-testid="timeline-bar"][data-worker="${worker}"][data-status="success"]`);
      await expect(bar(GENERIC), 'the generic worker ran the first 20').toHaveCount(RUNS);
      await expect(bar(DEDICATED), 'the dedicated worker ran the next 20').toHaveCount(RUNS);
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect(page.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');

      const bars = await renderedBars(page);
      const generic = bars.filter((b) => b.worker === GENERIC);
      const dedicated = bars.filter((b) => b.worker === DEDICATED);
      expect(generic.map((b) => b.id).sort()).toEqual([...genericIds].sort());
      expect(dedicated.map((b) => b.id).sort()).toEqual([...dedicatedIds].sort());
      const genericGap = meanGap(generic);
      const dedicatedGap = meanGap(dedicated);
      console.log(
        `[${driver}] mean gap between jobs: generic ${genericGap.toFixed(2)} ms, dedicated ${dedicatedGap.toFixed(2)} ms`,
      );
      expect(genericGap, 'cold start and clean-up separate the generic jobs').toBeGreaterThan(dedicatedGap);

      // Each worker's row states the same mean it draws.
      const row = (worker: string) =>
        page.locator(`[data-testid="timeline-worker"][data-worker="${worker}"]`);
      expect(Number(await row(GENERIC).getAttribute('data-mean-gap-ms'))).toBeCloseTo(genericGap, 6);
      expect(Number(await row(DEDICATED).getAttribute('data-mean-gap-ms'))).toBeCloseTo(dedicatedGap, 6);
      await expect(row(GENERIC).getByTestId('timeline-mean-gap')).toContainText('between jobs:');
      await expect(row(DEDICATED)).toHaveAttribute('data-kind', 'dedicated');
      await screenshot(page, '1-timeline-generic-vs-dedicated');

      // Hover names the job (the last bar: tiny bars of a 60 s window overlap, the last drawn is on top).
      const last = bar(DEDICATED).last();
      await last.hover();
      await expect(page.getByRole('tooltip')).toContainText(`${await last.getAttribute('data-job-id')}`);
      // From the keyboard: focus names the job too, Enter opens it.
      const first = bar(DEDICATED).first();
      const id = await first.getAttribute('data-job-id');
      await first.focus();
      await expect(page.getByRole('tooltip')).toContainText(`${id}`);
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(new RegExp(`#/jobs/${id}$`));
      await expect(page.getByTestId('job-worker')).toHaveText(DEDICATED);
    });
  });
}
