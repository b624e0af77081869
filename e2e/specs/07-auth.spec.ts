/** Auth: with a token configured the API refuses requests without it, and the UI asks for it. */
import { expect, test } from '../fixtures/app';
import { screenshot } from '../fixtures/ui';

const TOKEN = 'e2e-secret-token-0123456789';
test.use({ token: TOKEN });

test('the API refuses requests without the token', async ({ app }) => {
  const get = (path: string, token?: string) =>
    fetch(app.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  for (const path of ['/api/scripts', '/api/jobs', '/api/workers', '/metrics']) {
    const res = await get(path);
    expect(res.status, `${path} without a token`).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    if (path.startsWith('/api/'))
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await get(path, 'wrong-token-9876543210')).status, `${path} with a wrong token`).toBe(401);
    expect((await get(path, TOKEN)).status, `${path} with the token`).toBe(200);
  }
  const push = await fetch(`${app.url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: 'f/e2e/anything' }),
  });
  expect(push.status, 'a push without the token').toBe(401);
  expect(await app.api('GET', '/api/jobs'), 'nothing was queued').toMatchObject({ jobs: [] });

  expect((await get('/api/health')).status, '/api/health stays open').toBe(200);
  expect(await (await get('/api/auth')).json()).toEqual({ required: true, ok: false });
  expect(await (await get('/api/auth', TOKEN)).json()).toEqual({ required: true, ok: true });
  expect((await get('/')).status, 'the UI files stay open').toBe(200);
});

test('the UI asks for the token, refuses a wrong one and works with the right one', async ({ page }) => {
  await page.goto('/#/workers');
  const prompt = page.getByTestId('token-prompt');
  await expect(prompt, 'the UI asks for the token').toBeVisible();
  await screenshot(page, '1-token-prompt');

  await page.getByTestId('token-input').fill('wrong-token-9876543210');
  await page.getByTestId('token-submit').click();
  await expect(page.getByTestId('token-error'), 'a wrong token is refused').toBeVisible();
  await expect(prompt).toBeVisible();

  await page.getByTestId('token-input').fill(TOKEN);
  await page.getByTestId('token-submit').click();
  await expect(prompt).toBeHidden();
  await expect(
    page.getByTestId('group-row-default'),
    'authorised requests load the Workers page',
  ).toBeVisible();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  expect(
    await page.evaluate("localStorage.getItem('millrace.token')"),
    'the token is kept in localStorage',
  ).toBe(TOKEN);
  await screenshot(page, '2-signed-in');

  // Forgetting the token brings the prompt back.
  await page.getByTestId('token-forget-button').click();
  await expect(prompt).toBeVisible();
});
