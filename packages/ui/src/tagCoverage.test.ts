import { describe, expect, it } from 'vitest';
import { tagCoverage } from './tagCoverage';
import type { Worker, WorkerGroup } from './types';

const group = (name: string, tags: string[], dedicatedWorker: string | null = null): WorkerGroup => ({
  name,
  tags,
  dedicatedWorker,
  concurrency: 1,
  env: {},
  initScript: null,
  updatedAt: '',
});
const worker = (name: string, tags: string[], alive: boolean, dedicatedScript: string | null = null) =>
  ({ name, group: 'g', tags, dedicatedScript, alive }) as Worker;

describe('tagCoverage', () => {
  it('a dedicated group serves only dedicated:<path>, not its tags', () => {
    const groups = [group('default', ['node']), group('ded', ['node'], 'f/app/send')];
    expect(tagCoverage('dedicated:f/app/send', groups, []).groups).toEqual(['ded']);
    expect(tagCoverage('node', groups, []).groups).toEqual(['default']);
    expect(tagCoverage('dedicated:f/other', groups, []).groups).toEqual([]);
  });

  it('counts only live workers that serve the tag', () => {
    const workers = [
      worker('w1', ['node'], true),
      worker('w2', ['node'], false),
      worker('w3', [], true, 'f/app/send'),
    ];
    expect(tagCoverage('node', [], workers).liveWorkers).toBe(1);
    expect(tagCoverage('dedicated:f/app/send', [], workers).liveWorkers).toBe(1);
  });
});
