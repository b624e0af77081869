import { describe, expect, it } from 'vitest';
import { draftFromGroup, emptyGroupDraft, parseGroupDraft } from './groupForm';

describe('parseGroupDraft', () => {
  it('turns the editor fields into a worker group', () => {
    const r = parseGroupDraft({
      name: 'fast',
      tags: 'node, py  gpu',
      dedicatedWorker: ' f/app/send ',
      concurrency: '4',
      env: 'A=1\n# comment\n\nURL=http://x?a=b',
      initScript: '',
    });
    expect(r).toEqual({
      ok: true,
      name: 'fast',
      group: {
        tags: ['node', 'py', 'gpu'],
        dedicatedWorker: 'f/app/send',
        concurrency: 4,
        env: { A: '1', URL: 'http://x?a=b' },
        initScript: null,
      },
    });
  });

  it('refuses bad names, concurrency, env lines and a group that serves nothing', () => {
    expect(parseGroupDraft({ ...emptyGroupDraft, name: 'Bad Name' }).ok).toBe(false);
    expect(parseGroupDraft({ ...emptyGroupDraft, name: 'g', concurrency: '0' }).ok).toBe(false);
    expect(parseGroupDraft({ ...emptyGroupDraft, name: 'g', env: 'novalue' }).ok).toBe(false);
    expect(parseGroupDraft({ ...emptyGroupDraft, name: 'g', tags: ' ' }).ok).toBe(false);
  });

  it('round-trips a stored group', () => {
    const group = {
      name: 'g',
      tags: ['a', 'b'],
      dedicatedWorker: null,
      concurrency: 2,
      env: { K: 'v=1' },
      initScript: 'echo hi',
      updatedAt: '2025-01-01T00:00:00Z',
    };
    const r = parseGroupDraft(draftFromGroup(group));
    expect(r).toEqual({
      ok: true,
      name: 'g',
      group: {
        tags: ['a', 'b'],
        dedicatedWorker: null,
        concurrency: 2,
        env: { K: 'v=1' },
        initScript: 'echo hi',
      },
    });
  });
});
