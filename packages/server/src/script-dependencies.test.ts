import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerFixture, type ServerFixture } from './test-support';

// The deploying host's install cache for this file (Settings reads it when none is given).
const cacheDir = mkdtempSync(join(tmpdir(), 'millrace-server-deps-'));
process.env.MILLRACE_DEPS_CACHE_DIR = cacheDir;
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const USES_MS =
  "// millrace: deps ms@2.1.3\nimport ms from 'ms';\nexport function main() { return ms('1h'); }\n";

describe.each(testDrivers())('script dependencies over HTTP (%s)', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver);
  }, 60_000);
  afterAll(() => f.close());

  it('returns the lock on deploy, with the script and in its version history', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/scripts',
      payload: { path: 'f/app/uses_ms', content: USES_MS },
    });
    expect(res.statusCode).toBe(201);
    const lock = {
      lockHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      packages: [
        { name: 'ms', version: '2.1.3', integrity: expect.stringMatching(/^sha512-/), direct: true },
      ],
      scripts: [],
    };
    expect(res.json().dependencies).toEqual(lock);
    expect((await f.app.inject({ url: '/api/scripts/f/app/uses_ms' })).json().dependencies).toEqual(lock);
    const versions = (await f.app.inject({ url: '/api/script-versions/f/app/uses_ms' })).json().versions;
    expect(versions[0].dependencies).toEqual(lock);
  }, 60_000);

  it('answers 422 DEPENDENCY_VERSION_NOT_FOUND naming the package, and deploys nothing', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/scripts',
      payload: { path: 'f/app/bad_ms', content: USES_MS.replace('ms@2.1.3', 'ms@99.1.0') },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'dependency_version_not_found',
      details: { package: 'ms', reason: expect.stringContaining('99.1.0') },
    });
    expect((await f.app.inject({ url: '/api/scripts/f/app/bad_ms' })).statusCode).toBe(404);
  }, 60_000);
});
