// Which worker groups and live workers serve a tag — the "no worker serves tag X" check.
import type { Worker, WorkerGroup } from './types';

export const DEDICATED_PREFIX = 'dedicated:';

/** The tags a group's workers serve: only `dedicated:<path>` when dedicated, else its tags. */
export function groupTags(group: Pick<WorkerGroup, 'tags' | 'dedicatedWorker'>): string[] {
  return group.dedicatedWorker ? [`${DEDICATED_PREFIX}${group.dedicatedWorker}`] : group.tags;
}

export function workerServes(worker: Pick<Worker, 'tags' | 'dedicatedScript'>, tag: string): boolean {
  return (
    worker.tags.includes(tag) ||
    (!!worker.dedicatedScript && `${DEDICATED_PREFIX}${worker.dedicatedScript}` === tag)
  );
}

export type TagCoverage = { groups: string[]; liveWorkers: number };

export function tagCoverage(tag: string, groups: WorkerGroup[], workers: Worker[]): TagCoverage {
  return {
    groups: groups.filter((g) => groupTags(g).includes(tag)).map((g) => g.name),
    liveWorkers: workers.filter((w) => w.alive && workerServes(w, tag)).length,
  };
}
