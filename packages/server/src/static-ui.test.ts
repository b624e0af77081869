import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer } from './create-server';
import { openServerFixture, type ServerFixture } from './test-support';
import { findUiDir } from './ui-dir';

let f: ServerFixture;
let ui: FastifyInstance;
let dir: string;
beforeAll(async () => {
  f = await openServerFixture('postgres');
  dir = mkdtempSync(join(tmpdir(), 'millrace-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  ui = await createServer({ db: f.db, uiDir: dir, defaultMetrics: false });
});
afterAll(async () => {
  await ui.close();
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serves index.html uncached and assets immutable', async () => {
  const index = await ui.inject({ url: '/' });
  expect(index.statusCode).toBe(200);
  expect(index.body).toContain('<title>ui</title>');
  expect(index.headers['cache-control']).toBe('no-cache');
  const asset = await ui.inject({ url: '/assets/app-abc123.js' });
  expect(asset.statusCode).toBe(200);
  expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
});

it('falls back to index.html for unknown HTML GETs, never for /api', async () => {
  const page = await ui.inject({ url: '/runs/123', headers: { accept: 'text/html' } });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('<title>ui</title>');
  const api = await ui.inject({ url: '/api/nope', headers: { accept: 'text/html' } });
  expect(api.statusCode).toBe(404);
  expect(api.json().error.code).toBe('not_found');
  const missingAsset = await ui.inject({ url: '/assets/nope.js' });
  expect(missingAsset.statusCode).toBe(404);
});

it('says the UI is not built when there is no build', async () => {
  const res = await f.app.inject({ url: '/' });
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('UI is not built');
});

it('finds the UI from MILLRACE_UI_DIR or the monorepo', () => {
  expect(findUiDir({ MILLRACE_UI_DIR: dir })).toBe(dir);
  const found = findUiDir({});
  // packages/ui/dist exists once the UI is built; then it is the one found
  if (found) expect(found.endsWith(join('packages', 'ui', 'dist'))).toBe(true);
});
