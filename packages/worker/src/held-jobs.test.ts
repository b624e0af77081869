// HeldJobs alone: how many claimed jobs the worker hands its executor, and when one may go beyond
// the worker's own slots (the executor's capacity), so that never more than `concurrency` run.
import type { ClaimedJob } from '@millrace/queue';
import { describe, expect, it } from 'vitest';
import type { Capacity } from './executor';
import { type HeldJob, HeldJobs } from './held-jobs';

let n = 0;
function claimed(hash = 'v1', path = 'f/app/job'): ClaimedJob {
  n += 1;
  return {
    id: String(n),
    token: `t${n}`,
    path,
    hash,
    tag: 'node',
    args: {},
    attempt: 1,
    maxAttempts: 1,
    timeoutMs: null,
    createdAt: new Date(0),
    startedAt: new Date(0),
  };
}

/** Capacity per hash: `runs` at once, `holds` in all. */
const byHash =
  (runs: number, holds: number) =>
  (job: ClaimedJob): Capacity => ({ key: job.hash, runs, holds });

function handAll(held: HeldJobs, capacity?: (job: ClaimedJob) => Capacity | undefined): HeldJob[] {
  const handed: HeldJob[] = [];
  for (let h = held.next(capacity); h; h = held.next(capacity)) handed.push(h);
  return handed;
}

describe('HeldJobs', () => {
  it('hands jobs in claim order while a slot is free, and no more without a capacity', () => {
    const held = new HeldJobs(() => 2);
    const jobs = [claimed(), claimed(), claimed()];
    for (const job of jobs) held.add(job);
    const handed = handAll(held);
    expect(handed.map((h) => h.job.id)).toEqual([jobs[0]?.id, jobs[1]?.id]);
    expect(handed.map((h) => [h.started, h.ahead, h.begun])).toEqual([
      [true, false, true],
      [true, false, true],
    ]);
    expect(held.running).toBe(2);
    expect(held.waitingCount).toBe(1);
  });

  it('hands jobs ahead up to what the executor holds while every handed job shares the key', () => {
    const held = new HeldJobs(() => 2);
    for (let i = 0; i < 5; i++) held.add(claimed('v1'));
    const handed = handAll(held, byHash(2, 3));
    expect(handed.map((h) => h.ahead)).toEqual([false, false, true]);
    expect(handed[2]?.begun).toBe(false); // begun only when the executor says it started
    expect(held.running).toBe(3);
    // one ends: its slot goes to the job held ahead, and one more may be held
    held.finished(handed[0] as HeldJob, 1);
    expect(handAll(held, byHash(2, 3)).map((h) => h.ahead)).toEqual([true]);
  });

  it('hands nothing ahead while a job of another key is handed: the two would share no slots', () => {
    const held = new HeldJobs(() => 2);
    held.add(claimed('v1'));
    held.add(claimed('v2'));
    held.add(claimed('v2'));
    const handed = handAll(held, byHash(2, 4));
    expect(handed.map((h) => h.job.hash)).toEqual(['v1', 'v2']);
    // once the v1 job ends, the v2 jobs alone fill the executor: the next one may go ahead
    held.finished(handed[0] as HeldJob, 1);
    expect(handAll(held, byHash(2, 4)).map((h) => [h.job.hash, h.ahead])).toEqual([['v2', false]]);
    held.add(claimed('v2'));
    expect(handAll(held, byHash(2, 4)).map((h) => [h.job.hash, h.ahead])).toEqual([['v2', true]]);
  });

  it('hands nothing ahead to an executor that runs more at once than the worker allows', () => {
    let concurrency = 4;
    const held = new HeldJobs(() => concurrency);
    for (let i = 0; i < 6; i++) held.add(claimed('v1'));
    concurrency = 2; // the group's concurrency went down while the runtimes are sized for 4
    expect(handAll(held, byHash(4, 5)).map((h) => h.ahead)).toEqual([false, false]);
  });

  it('never hands more than the executor holds, nor beyond concurrency when keys are mixed', () => {
    const held = new HeldJobs(() => 3);
    const capacity = byHash(3, 4);
    const live: HeldJob[] = [];
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3; i++) held.add(claimed(round % 3 === 0 ? 'v2' : 'v1'));
      live.push(...handAll(held, capacity));
      const keys = new Set(live.map((h) => h.key));
      if (keys.size > 1) expect(live.length).toBeLessThanOrEqual(3);
      expect(live.length).toBeLessThanOrEqual(4);
      const ended = live.splice(round % live.length, 1)[0] as HeldJob;
      held.finished(ended, 1);
    }
  });

  it('skips jobs lost while waiting, and gives back or drops the ones still waiting', () => {
    const held = new HeldJobs(() => 1);
    const [a, b, c, d] = [claimed(), claimed(), claimed(), claimed()];
    for (const job of [a, b, c, d]) held.add(job);
    (held.byId.get(a.id) as HeldJob).lost = true;
    expect(held.next()?.job.id).toBe(b.id);
    expect(held.dropWaiting(c.id)?.job.id).toBe(c.id);
    expect(held.dropWaiting(c.id)).toBeUndefined();
    expect(held.takeWaiting().map((h) => h.job.id)).toEqual([d.id]);
    expect(held.waitingCount).toBe(0);
  });

  it('claims slots plus a prefetch sized by how long jobs take, and only once half of it is used', () => {
    const held = new HeldJobs(() => 2, 50, 1000);
    // nothing held: every slot and the whole prefetch (50 ms of 5 ms jobs on 2 slots = 20)
    expect(held.freeSlots()).toBe(22);
    for (let i = 0; i < 22; i++) held.add(claimed());
    expect(held.freeSlots()).toBe(0);
    for (const h of handAll(held)) held.finished(h, 5);
    // 20 waiting, none running: more than slots + half the prefetch are held, so no claim yet
    expect(held.freeSlots()).toBe(0);
    // slow jobs shrink the prefetch: after many 1 s jobs, one spare job is enough
    for (let i = 0; i < 200; i++) {
      const h = held.next();
      if (h === undefined) held.add(claimed());
      else held.finished(h, 1000);
    }
    held.takeWaiting();
    expect(held.freeSlots()).toBe(3);
  });
});
