/// <reference lib="dom" />
/**
 * What a hostile web page can make a real browser do to a tokenless dev server on 127.0.0.1
 * (docs/security.md): DNS rebinding, cross-site writes, framing. Chromium resolves `attacker.test`
 * to 127.0.0.1 here (--host-resolver-rules), as a rebinding attacker's DNS would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '../fixtures/app';
import { CHROMIUM_LAUNCH } from '../fixtures/chromium.mjs';

test.use({
  genericWorker: false, // jobs stay queued: cancel and rerun have something to act on
  launchOptions: {
    ...CHROMIUM_LAUNCH,
    args: [...CHROMIUM_LAUNCH.args, '--host-resolver-rules=MAP attacker.test 127.0.0.1'],
  },
});

const SCRIPT = 'export function main() { return { ran: true }; }';

/** The attacker's own site, on another port: one page, whatever it is asked for. */
async function attackerSite(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://attacker.test:${(server.address() as AddressInfo).port}/`, server };
}

test('DNS rebinding: a page on a rebound name gets 421 and can neither read, deploy nor run', async ({
  app,
  page,
}) => {
  await app.api('POST', '/api/scripts', { path: 'f/e2e/secret', content: SCRIPT });
  const port = new URL(app.url).port;

  // The browser asks "attacker.test" for the page and, rebound, reaches this server with that Host.
  const landing = await page.goto(`http://attacker.test:${port}/`);
  expect(landing?.status(), 'the UI is not served under a foreign name').toBe(421);

  // From that page, same-origin requests (what the rebinding page's script would do).
  const seen = await page.evaluate(async () => {
    const json = { 'content-type': 'application/json' };
    const read = await fetch('/api/scripts');
    const deploy = await fetch('/api/scripts', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ path: 'f/e2e/evil', content: 'export function main() { return 1; }' }),
    });
    const run = await fetch('/api/run/f/e2e/secret', { method: 'POST', headers: json, body: '{}' });
    return { read: read.status, body: await read.text(), deploy: deploy.status, run: run.status };
  });
  expect(seen.read, 'reading the API').toBe(421);
  expect(seen.body, 'no script listed').not.toContain('f/e2e/secret');
  expect(seen.deploy, 'deploying').toBe(421);
  expect(seen.run, 'running').toBe(421);

  const scripts = await app.api<{ scripts: { path: string }[] }>('GET', '/api/scripts');
  expect(
    scripts.scripts.map((s) => s.path),
    'nothing was deployed',
  ).toEqual(['f/e2e/secret']);
  expect((await app.api<{ jobs: unknown[] }>('GET', '/api/jobs')).jobs, 'nothing ran').toEqual([]);
});

test('CSRF: no-cors fetches and a form post from another site queue, cancel and rerun nothing', async ({
  app,
  page,
}) => {
  await app.api('POST', '/api/scripts', { path: 'f/e2e/target', content: SCRIPT });
  const { id: queued } = await app.api<{ id: string }>('POST', '/api/jobs', { path: 'f/e2e/target' });
  const target = app.url;
  const { url, server } = await attackerSite(`<!doctype html><title>cat pictures</title>
<iframe name="sink"></iframe>
<form id="f" method="POST" target="sink" enctype="text/plain"
      action="${target}/api/run/f/e2e/target?priority=1000"><input name='{"a":"' value='1"}'></form>`);
  try {
    await page.goto(url);
    const sent = await page.evaluate(
      async ({ target, queued }) => {
        const statuses: string[] = [];
        for (const path of [
          '/api/run/f/e2e/target?priority=1000',
          `/api/jobs/${queued}/cancel`,
          `/api/jobs/${queued}/rerun`,
        ]) {
          // opaque: sent, the answer hidden; or a network error when the answer's
          // Cross-Origin-Resource-Policy blocks it (the request was sent all the same)
          const res = await fetch(target + path, { method: 'POST', mode: 'no-cors' }).catch(() => null);
          statuses.push(res ? res.type : 'blocked');
        }
        const frame = document.querySelector('iframe') as HTMLIFrameElement;
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        (document.getElementById('f') as HTMLFormElement).submit();
        await loaded;
        return statuses;
      },
      { target, queued },
    );
    expect(sent, 'the browser sent the three requests').toHaveLength(3);

    const jobs = await app.api<{ jobs: { id: string; status: string }[] }>('GET', '/api/jobs');
    expect(jobs.jobs, 'no job queued, none canceled, none rerun').toEqual([
      expect.objectContaining({ id: queued, status: 'queued' }),
    ]);
  } finally {
    server.close();
  }
});

test('clickjacking: another site cannot frame the UI', async ({ app, page }) => {
  const { url, server } = await attackerSite(
    `<!doctype html><title>win a prize</title><iframe id="ui" src="${app.url}/#/runs" width="800" height="600"></iframe>`,
  );
  try {
    const framed = page.waitForEvent('response', (r) => r.url().startsWith(app.url));
    await page.goto(url); // waits for the page's load event, which waits for its frame
    const res = await framed;
    expect(res.headers()['x-frame-options']).toBe('DENY');
    expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const rendered = await frame?.evaluate(() => document.querySelector('#root') !== null).catch(() => false);
    expect(rendered ?? false, 'the UI did not render inside the frame').toBe(false);
  } finally {
    server.close();
  }

  // the UI itself, on its own origin, still works under its CSP
  await page.goto(`${app.url}/#/runs`);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await expect(page.locator('#root')).not.toBeEmpty();
});
