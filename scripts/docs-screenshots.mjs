// Takes the README's screenshots of the pages from a running `millrace dev`.
//   node packages/cli/dist/bin.js dev --port 8799 &   then   node scripts/docs-screenshots.mjs http://127.0.0.1:8799
// Runs f/examples/send_email 20 times on the generic worker (tag node, a fresh process each) and
// 100 times on its dedicated worker first, so the pages — the timeline above all — have something to show.
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/fixtures/chromium.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8787';
const post = (path, body) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const emails = (n, extra = {}) =>
  Array.from({ length: n }, (_, i) => ({
    path: 'f/examples/send_email',
    args: { to: `user${i}@example.com` },
    ...extra,
  }));
const idle = async () => {
  for (;;) {
    const { byStatus } = await fetch(`${base}/api/counts`).then((r) => r.json());
    if (byStatus.queued + byStatus.running === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
};
// the same script on a generic worker, then on its dedicated one: the timeline shows both
await post('/api/jobs', { jobs: emails(20, { tag: 'node' }) });
await idle();
await post('/api/jobs', { jobs: emails(100) });
await idle();
await post('/api/run/f/examples/hello?wait=true', { name: 'Ada' });
await post('/api/run/f/examples/fail?wait=true', {});
await new Promise((r) => setTimeout(r, 2500)); // let the last runs and a throughput bucket land

const browser = await chromium.launch(CHROMIUM_LAUNCH);
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
for (const [name, hash] of [
  ['runs', '#/runs'],
  ['scripts', '#/scripts/f/examples/send_email'],
  ['workers', '#/workers'],
  ['timeline', '#/timeline'],
]) {
  await page.goto(`${base}/${hash}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500); // one poll cycle so live lists are filled
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: false });
  console.log(`docs/screenshots/${name}.png`);
}
await browser.close();
