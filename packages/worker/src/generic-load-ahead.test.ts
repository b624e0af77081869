// A generic worker at concurrency 1 hands the next job to the cold executor while the current one
// runs: the next job's process loads its script (top-level code runs) but runs main only once the
// current job has ended.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

describe.each(testDrivers())('generic worker loading ahead on %s', (driver) => {
  let f: WorkerFixture;
  const dir = mkdtempSync(join(tmpdir(), 'millrace-ahead-'));
  const loads = join(dir, 'loads');
  const release = join(dir, 'release');
  const linesIn = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.settings.setWorkerGroup('ahead', { concurrency: 1 });
    await f.deploy(
      'f/ahead/gate',
      `import { existsSync } from 'node:fs';
export async function main({ release }) {
  console.log('gated');
  while (!existsSync(release)) await new Promise((r) => setTimeout(r, 5));
  return 'gate';
}`,
      'javascript',
    );
    // Each load appends a line; the file is written from the job's own process.
    await f.deploy(
      'f/ahead/next',
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(loads)}, 'loaded\\n');
console.log('top level');
export function main() { console.log('main'); return 'next'; }`,
      'javascript',
    );
    await f.start({ group: 'ahead' });
  });
  afterAll(() => f.drop());

  it('loads the next job while the current one runs, and starts it after', async () => {
    writeFileSync(loads, '');
    // A job goes ahead only while every job in the executor is of a version seen running cold
    // before (the worker asks before it has the job's code): run each once.
    expect((await f.finished(await f.queue.push('f/ahead/gate', { release: dir }))).status).toBe('success');
    expect((await f.finished(await f.queue.push('f/ahead/next'))).status).toBe('success');
    expect(linesIn(loads)).toEqual(['loaded']);

    const gate = await f.queue.push('f/ahead/gate', { release });
    await waitFor(async () => (await f.queue.logs(gate)).includes('gated'));
    const next = await f.queue.push('f/ahead/next');
    await waitFor(() => linesIn(loads).length === 2);
    // Loaded, not started: the gate still runs and main has not been called.
    expect((await f.queue.get(gate)).status).toBe('running');
    appendFileSync(release, '');
    expect(await f.finished(gate)).toMatchObject({ status: 'success', result: 'gate' });
    expect(await f.finished(next)).toMatchObject({ status: 'success', result: 'next' });
    expect(await f.queue.logs(next)).toMatch(/^top level\nmain\n$/);
  });

  it('gives a job loaded ahead back unstarted when the worker stops', async () => {
    const [worker] = f.workers;
    const releaseStop = join(dir, 'release-stop');
    const loadedBefore = linesIn(loads).length;
    const gate = await f.queue.push('f/ahead/gate', { release: releaseStop });
    await waitFor(async () => (await f.queue.logs(gate)).includes('gated'));
    const next = await f.queue.push('f/ahead/next');
    await waitFor(() => linesIn(loads).length === loadedBefore + 1);
    const stopping = worker?.stop({ timeoutMs: 30_000 });
    // back in line while the gate still runs, the attempt not counted: killed before main ran
    await waitFor(async () => (await f.queue.get(next)).status === 'queued');
    expect(await f.queue.attempts(next)).toEqual([]);
    expect((await f.queue.get(gate)).status).toBe('running');
    appendFileSync(releaseStop, '');
    expect(await stopping).toMatchObject({ timedOut: false, released: 1, abandoned: 0 });
    expect(await f.finished(gate)).toMatchObject({ status: 'success', result: 'gate' });
  });
});
