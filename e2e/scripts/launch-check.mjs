// Launches the chromium the e2e suite would use, runs a page's script and prints the browser's
// version: CI runs it with MILLRACE_CHROMIUM=npm to prove a bare machine's fallback still works.
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_LAUNCH, CHROMIUM_SOURCE } from '../fixtures/chromium.mjs';

const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
  const page = await browser.newPage();
  await page.setContent('<button onclick="document.title = 6 * 7">go</button>');
  await page.click('button');
  const title = await page.title();
  if (title !== '42') throw new Error(`the page's script did not run (title ${JSON.stringify(title)})`);
  console.log(`chromium ${browser.version()} from ${CHROMIUM_SOURCE} (${CHROMIUM}) ran a page`);
} finally {
  await browser.close();
}
