// The two steps of Dedicated Workers (a group dedicated to the script; the script's toggle) and
// what happens to the script's new jobs now, from the saved state on the server.
import { DEDICATED_PREFIX, tagCoverage } from './tagCoverage';
import type { Worker, WorkerGroup } from './types';

export type Outcome =
  /** both steps done and a live dedicated worker: jobs run back to back in a warm runtime */
  | 'warm'
  /** toggled, but no group is dedicated to the script: nothing serves its tag */
  | 'no-worker'
  /** a group serves the tag but none of its workers is alive */
  | 'no-live-worker'
  /** not toggled: jobs run on the workers of their ordinary tag, each in a fresh process */
  | 'generic'
  /** not toggled and nothing serves the ordinary tag either */
  | 'generic-unserved';

export type DedicatedSteps = {
  path: string;
  /** step 1: the groups dedicated to the script */
  groups: string[];
  /** step 2: the script's saved Dedicated Workers setting */
  toggled: boolean;
  /** the tag new jobs get now */
  tag: string;
  outcome: Outcome;
  /** groups and live workers serving `tag` */
  servedBy: string[];
  liveWorkers: number;
};

export function dedicatedSteps(
  script: { path: string; dedicated: boolean; resolvedTag: string },
  groups: WorkerGroup[],
  workers: Worker[],
): DedicatedSteps {
  const tag = script.resolvedTag;
  const coverage = tagCoverage(tag, groups, workers);
  const served = coverage.groups.length > 0 || coverage.liveWorkers > 0;
  let outcome: Outcome;
  if (script.dedicated)
    outcome = !served ? 'no-worker' : coverage.liveWorkers === 0 ? 'no-live-worker' : 'warm';
  else outcome = !served ? 'generic-unserved' : coverage.liveWorkers === 0 ? 'no-live-worker' : 'generic';
  return {
    path: script.path,
    groups: groups.filter((g) => g.dedicatedWorker === script.path).map((g) => g.name),
    toggled: script.dedicated,
    tag,
    outcome,
    servedBy: coverage.groups,
    liveWorkers: coverage.liveWorkers,
  };
}

export const dedicatedTag = (path: string) => `${DEDICATED_PREFIX}${path}`;

/** One sentence: what happens to a new job of the script right now. */
export function outcomeText(s: DedicatedSteps): string {
  const groups = s.servedBy.join(', ');
  switch (s.outcome) {
    case 'warm':
      return `New jobs run back to back on the warm dedicated worker${s.liveWorkers === 1 ? '' : 's'} of ${groups}.`;
    case 'no-worker':
      return `New jobs wait: no worker serves ${s.tag}.`;
    case 'no-live-worker':
      return `New jobs wait: ${groups} serve${s.servedBy.length === 1 ? 's' : ''} ${s.tag} but no worker of it is alive.`;
    case 'generic':
      return s.groups.length > 0
        ? `New jobs get tag ${s.tag} and run on generic workers (a cold start each); ${s.groups.join(', ')} stay idle until the script is toggled.`
        : `New jobs get tag ${s.tag} and run on generic workers, a fresh process each.`;
    case 'generic-unserved':
      return `New jobs wait: no worker serves ${s.tag}.`;
  }
}
