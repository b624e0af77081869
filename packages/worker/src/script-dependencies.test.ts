// A script that imports an npm package and another deployed script runs the same on every
// runtime — generic (cold, confined), dedicated thread and dedicated process — from the bundle
// stored with its version, on workers that have no install cache at all.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Settings } from '@millrace/settings';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture } from './test-support';

const LIB = `export function label(n: number) { return 'took ' + n + ' ms'; }
export function main() { return null; }
`;

// ms is a real registry package (CommonJS, no dependencies), pinned.
const SCRIPT = `// millrace: deps ms@2.1.3
import ms from 'ms';
import { label } from 'millrace:f/deps/lib';
export function main(args: { span: string }) {
  return { ms: ms(args.span), text: label(ms(args.span)), long: ms(90_000, { long: true }) };
}
`;

const EXPECTED = { ms: 5000, text: 'took 5000 ms', long: '2 minutes' };

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'millrace-worker-deps-'));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe.each(testDrivers())('a script with dependencies on %s', (driver) => {
  let f: WorkerFixture;
  const hidden = () => `${cacheDir}.away`;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    const deployer = new Settings(f.db, { dependencies: { cacheDir } });
    await deployer.deployScript({ path: 'f/deps/lib', content: LIB });
    for (const path of ['f/deps/generic', 'f/deps/thread', 'f/deps/process'])
      await deployer.deployScript({ path, content: SCRIPT });
    // The workers below never see the deploying host's install cache.
    await rename(cacheDir, hidden());
  }, 120_000);
  afterAll(async () => {
    await f.drop();
    await rename(hidden(), cacheDir);
  });

  it('runs on a generic worker (a cold, confined process per job)', async () => {
    await f.settings.setScriptSettings('f/deps/generic', { tag: 'deps' });
    await f.settings.setWorkerGroup('deps-generic', { tags: ['deps'] });
    await f.start({ group: 'deps-generic' });
    const job = await f.finished(await f.queue.push('f/deps/generic', { span: '5s' }));
    expect(job).toMatchObject({ status: 'success', result: EXPECTED });
  });

  it.each([
    ['thread', 'f/deps/thread'],
    ['process', 'f/deps/process'],
  ] as const)('runs on a dedicated worker, %s runtime', async (runtime, path) => {
    await f.settings.setScriptSettings(path, { dedicated: true });
    await f.settings.setWorkerGroup(`deps-${runtime}`, { dedicatedWorker: path });
    await f.start({ group: `deps-${runtime}`, runtime });
    const ids = await f.queue.pushMany([1, 2, 3].map(() => ({ path, args: { span: '5s' } })));
    for (const id of ids) expect(await f.finished(id)).toMatchObject({ status: 'success', result: EXPECTED });
  });

  it.runIf(process.getuid?.() === 0)('runs as another user (runAs) in a confined job', async () => {
    await f.settings.setScriptSettings('f/deps/generic', { tag: 'deps-nobody' });
    await f.settings.setWorkerGroup('deps-nobody', { tags: ['deps-nobody'], runAs: 'nobody' });
    await f.start({ group: 'deps-nobody' });
    const job = await f.finished(await f.queue.push('f/deps/generic', { span: '5s' }));
    expect(job).toMatchObject({ status: 'success', result: EXPECTED });
  });
});
