import { describe, expect, it } from 'vitest';
import { dedicatedSteps, outcomeText } from './dedicatedSteps';
import type { Worker, WorkerGroup } from './types';

const group = (name: string, dedicatedWorker: string | null, tags = ['node']): WorkerGroup => ({
  name,
  tags,
  dedicatedWorker,
  concurrency: 1,
  env: {},
  initScript: null,
  updatedAt: '',
});
const worker = (name: string, g: WorkerGroup, alive = true): Worker => ({
  name,
  group: g.name,
  tags: g.dedicatedWorker ? [] : g.tags,
  dedicatedScript: g.dedicatedWorker,
  pid: 1,
  host: 'h',
  startedAt: '',
  lastPing: '',
  alive,
  jobsDone: 0,
  currentJobs: [],
  jobsPerSecond: 0,
});

const PATH = 'f/x';
const generic = group('default', null);
const ded = group('fx', PATH);

describe('dedicatedSteps', () => {
  it('neither step: jobs run on generic workers', () => {
    const s = dedicatedSteps(
      { path: PATH, dedicated: false, resolvedTag: 'node' },
      [generic],
      [worker('g1', generic)],
    );
    expect([s.groups, s.toggled, s.outcome]).toEqual([[], false, 'generic']);
    expect(outcomeText(s)).toBe('New jobs get tag node and run on generic workers, a fresh process each.');
  });

  it('toggle only: jobs wait, no worker serves the dedicated tag', () => {
    const s = dedicatedSteps(
      { path: PATH, dedicated: true, resolvedTag: 'dedicated:f/x' },
      [generic],
      [worker('g1', generic)],
    );
    expect([s.groups, s.toggled, s.outcome]).toEqual([[], true, 'no-worker']);
    expect(outcomeText(s)).toBe('New jobs wait: no worker serves dedicated:f/x.');
  });

  it('group only: generic workers run the jobs, the dedicated group idles', () => {
    const s = dedicatedSteps(
      { path: PATH, dedicated: false, resolvedTag: 'node' },
      [generic, ded],
      [worker('g1', generic)],
    );
    expect([s.groups, s.outcome]).toEqual([['fx'], 'generic']);
    expect(outcomeText(s)).toContain('fx stay idle until the script is toggled');
  });

  it('both steps: warm when a dedicated worker is alive, waiting when none is', () => {
    const script = { path: PATH, dedicated: true, resolvedTag: 'dedicated:f/x' };
    const warm = dedicatedSteps(script, [generic, ded], [worker('d1', ded)]);
    expect([warm.groups, warm.toggled, warm.outcome]).toEqual([['fx'], true, 'warm']);
    expect(outcomeText(warm)).toBe('New jobs run back to back on the warm dedicated worker of fx.');
    const dead = dedicatedSteps(script, [generic, ded], [worker('d1', ded, false)]);
    expect(dead.outcome).toBe('no-live-worker');
  });

  it('an unserved ordinary tag waits too', () => {
    const s = dedicatedSteps({ path: PATH, dedicated: false, resolvedTag: 'gpu' }, [generic], []);
    expect(outcomeText(s)).toBe('New jobs wait: no worker serves gpu.');
  });
});
