// The rows that once differed between executors, through the whole path — deployScript, push, a
// worker, the stored job — on a generic and on a dedicated worker, on both drivers.
import { InvalidScriptError } from '@millrace/settings';
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkerFixture, type WorkerFixture } from '../test-support';

const script = `export function main(a) {
  if (a.kind === 'function') return () => 1;
  if (a.kind === 'string') throw "plain string";
  if (a.kind === 'nan') return NaN;
  return { ok: true };
}`;

describe.each(testDrivers())('the script contract through the queue on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.deploy('f/contract/cold', script, 'javascript');
    await f.deploy('f/contract/warm', script, 'javascript');
    await f.settings.setScriptSettings('f/contract/warm', { dedicated: true });
    await f.settings.setWorkerGroup('default', { concurrency: 1 });
    await f.settings.setWorkerGroup('contract', { dedicatedWorker: 'f/contract/warm', concurrency: 1 });
    await f.start({ group: 'default' });
    await f.start({ group: 'contract' });
  });
  afterAll(() => f.drop());

  const run = async (path: string, kind: string) => f.finished(await f.queue.push(path, { kind }));

  it.each([
    ['function', { name: 'ResultNotJsonError', message: 'main returned a function, which is not JSON' }],
    ['string', { name: 'Error', message: "non-error thrown: 'plain string'" }],
    ['nan', { name: 'ResultNotJsonError', message: 'main returned NaN, which is not JSON' }],
  ])('a %s fails the same job the same way on a generic and on a dedicated worker', async (kind, error) => {
    const [cold, warm] = await Promise.all([run('f/contract/cold', kind), run('f/contract/warm', kind)]);
    expect(cold.worker).toMatch(/^default-/);
    expect(warm.worker).toMatch(/^contract-/);
    for (const job of [cold, warm]) {
      expect(job.status).toBe('failure');
      expect(job.error).toMatchObject({ ...error, reason: 'thrown' });
    }
  });

  it('deployScript refuses what no executor would run: a default-exported object with main', async () => {
    await expect(
      f.settings.deployScript({
        path: 'f/contract/dflt',
        content: 'export default { main() { return 42; } };',
      }),
    ).rejects.toBeInstanceOf(InvalidScriptError);
  });
});
