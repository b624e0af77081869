import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidWorkerGroupError, ScriptNotFoundError, WorkerGroupNotFoundError } from './index';
import { openSettingsFixture, type SettingsFixture } from './test-support';

const SCRIPT = 'f/groups/hot';

describe.each(testDrivers())('worker groups on %s', (driver) => {
  let f: SettingsFixture;
  beforeAll(async () => {
    f = await openSettingsFixture(driver, [SCRIPT]);
  });
  afterAll(() => f.drop());

  it('has a default group serving node, which cannot be deleted', async () => {
    expect(await f.settings.getWorkerGroup('default')).toMatchObject({
      name: 'default',
      tags: ['node'],
      dedicatedWorker: null,
      concurrency: 1,
      env: {},
      initScript: null,
      servedTags: ['node'],
    });
    const err = await f.settings.deleteWorkerGroup('default').catch((e) => e);
    expect(err).toBeInstanceOf(InvalidWorkerGroupError);
    expect(err.code).toBe('invalid_worker_group');
    expect(await f.settings.getWorkerGroup('default')).toBeTruthy();
  });

  it('creates a generic group serving its tags, then updates only what is given', async () => {
    const g = await f.settings.setWorkerGroup('gpu', {
      tags: ['gpu', 'node'],
      concurrency: 8,
      env: { CUDA_VISIBLE_DEVICES: '0' },
      initScript: 'nvidia-smi',
    });
    expect(g).toMatchObject({
      name: 'gpu',
      tags: ['gpu', 'node'],
      servedTags: ['gpu', 'node'],
      concurrency: 8,
    });
    expect(g.updatedAt).toBeInstanceOf(Date);
    const g2 = await f.settings.setWorkerGroup('gpu', { concurrency: 2 });
    expect(g2).toMatchObject({
      tags: ['gpu', 'node'],
      concurrency: 2,
      env: { CUDA_VISIBLE_DEVICES: '0' },
      initScript: 'nvidia-smi',
    });
    expect(await f.settings.getWorkerGroup('gpu')).toEqual(g2);
    expect((await f.settings.listWorkerGroups()).map((x) => x.name)).toEqual(['default', 'gpu']);
  });

  it('makes a dedicated group serve only dedicated:<path>, with tags back at the default', async () => {
    const g = await f.settings.setWorkerGroup('gpu', { dedicatedWorker: SCRIPT });
    expect(g).toMatchObject({ dedicatedWorker: SCRIPT, tags: ['node'], servedTags: [`dedicated:${SCRIPT}`] });
  });

  it('refuses tags on a dedicated group unless dedicatedWorker: null comes with them', async () => {
    await expect(f.settings.setWorkerGroup('gpu', { tags: ['gpu'] })).rejects.toBeInstanceOf(
      InvalidWorkerGroupError,
    );
    expect((await f.settings.getWorkerGroup('gpu')).dedicatedWorker).toBe(SCRIPT);
    const g = await f.settings.setWorkerGroup('gpu', { tags: ['gpu'], dedicatedWorker: null });
    expect(g).toMatchObject({ dedicatedWorker: null, tags: ['gpu'], servedTags: ['gpu'] });
  });

  it('refuses non-default tags and dedicatedWorker in one call, and writes nothing', async () => {
    await expect(
      f.settings.setWorkerGroup('both', { tags: ['gpu'], dedicatedWorker: SCRIPT }),
    ).rejects.toBeInstanceOf(InvalidWorkerGroupError);
    await expect(f.settings.getWorkerGroup('both')).rejects.toBeInstanceOf(WorkerGroupNotFoundError);
    // the default tags alongside are harmless
    const g = await f.settings.setWorkerGroup('both', { tags: ['node'], dedicatedWorker: SCRIPT });
    expect(g.servedTags).toEqual([`dedicated:${SCRIPT}`]);
  });

  it('refuses a dedicated group naming an unknown script, and writes nothing', async () => {
    await expect(f.settings.setWorkerGroup('ghost', { dedicatedWorker: 'f/no/such' })).rejects.toBeInstanceOf(
      ScriptNotFoundError,
    );
    await expect(f.settings.getWorkerGroup('ghost')).rejects.toBeInstanceOf(WorkerGroupNotFoundError);
  });

  it.each([
    ['Bad Name', {}],
    ['x'.repeat(65), {}],
    ['ok', { concurrency: 0 }],
    ['ok', { concurrency: 1025 }],
    ['ok', { concurrency: 1.5 }],
    ['ok', { tags: [] }],
    ['ok', { tags: ['a b'] }],
    ['ok', { tags: ['dedicated:f/x/y'] }],
    ['ok', { tags: ['a', 'a'] }],
    ['ok', { env: { '1BAD': 'x' } }],
    ['ok', { env: { GOOD: 1 } }],
    ['ok', { env: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`K${i}`, 'v'])) }],
    ['ok', { dedicatedWorker: 'not-a-path' }],
    ['ok', { colour: 'red' }],
  ])('refuses name %j with %j', async (name, input) => {
    await expect(f.settings.setWorkerGroup(name, input as never)).rejects.toBeInstanceOf(
      InvalidWorkerGroupError,
    );
    await expect(f.settings.getWorkerGroup('ok')).rejects.toBeInstanceOf(WorkerGroupNotFoundError);
  });

  it('deletes a group, and reports an unknown one', async () => {
    await f.settings.deleteWorkerGroup('both');
    await expect(f.settings.getWorkerGroup('both')).rejects.toBeInstanceOf(WorkerGroupNotFoundError);
    const err = await f.settings.deleteWorkerGroup('both').catch((e) => e);
    expect(err).toBeInstanceOf(WorkerGroupNotFoundError);
    expect(err.code).toBe('worker_group_not_found');
  });
});
