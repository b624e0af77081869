import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from './fixtures/chromium.mjs';

// Debian's chromium (apt-get install chromium), never a downloaded browser: `npx playwright install`
// cannot reach its CDN on these machines. Each test starts its own app (fixtures/app.ts), so
// tests are independent and run in parallel.
export default defineConfig({
  testDir: 'specs',
  globalSetup: './fixtures/preflight.ts',
  outputDir: 'results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    launchOptions: CHROMIUM_LAUNCH,
  },
});
