// Timeline lanes: the queue records which worker ran a job but not in which of its slots, so a
// worker's jobs are packed greedily into the fewest lanes in which no two bars overlap.

export type TimelineBar = {
  id: string;
  path: string;
  tag: string;
  status: 'running' | 'success' | 'failure' | 'canceled';
  worker: string;
  attempt: number;
  /** when the job was pushed: no worker could start it before */
  queuedMs: number;
  startMs: number;
  /** null while the job runs */
  endMs: number | null;
};

/** A bar placed in a lane; `end` is `endMs`, or `now` for a running job. */
export type PlacedBar = TimelineBar & { lane: number; end: number };

/**
 * Interval partitioning: bars by start time, each into the lane that freed up last before it
 * started (so the lane reads like the slot that ran it), else into a new lane. Taking bars by start
 * and reusing any free lane gives the fewest lanes (as many as the most bars running at once).
 * A bar that starts exactly when another ends shares its lane.
 */
export function packLanes(bars: TimelineBar[], now: number): PlacedBar[][] {
  const sorted = bars
    .map((b) => ({ ...b, lane: 0, end: Math.max(b.endMs ?? now, b.startMs) }))
    .sort((a, b) => a.startMs - b.startMs || a.end - b.end || a.id.localeCompare(b.id));
  const lanes: PlacedBar[][] = [];
  const laneEnds: number[] = [];
  for (const bar of sorted) {
    let best = -1;
    for (let i = 0; i < laneEnds.length; i++)
      if (laneEnds[i] <= bar.startMs && (best === -1 || laneEnds[i] > laneEnds[best])) best = i;
    if (best === -1) {
      best = lanes.length;
      lanes.push([]);
      laneEnds.push(0);
    }
    bar.lane = best;
    lanes[best].push(bar);
    laneEnds[best] = bar.end;
  }
  return lanes;
}

/**
 * The time a lane took to start its next job once it could: from the later of the previous job's
 * end and the next job's push, to the next job's start. So a lane idle for want of work counts only
 * its pick-up time, not the wait for the push; what is left is the per-job overhead — clean-up and
 * cold start on a generic worker, a function call on a warm one. A retry (attempt > 1) waited for
 * its backoff and is left out; a gap below zero (clocks of two machines) counts as zero.
 */
export function laneGaps(lanes: PlacedBar[][]): number[] {
  const gaps: number[] = [];
  for (const lane of lanes)
    for (let i = 1; i < lane.length; i++) {
      const prev = lane[i - 1];
      const next = lane[i];
      if (prev.endMs === null || next.attempt > 1) continue;
      gaps.push(Math.max(0, next.startMs - Math.max(prev.end, next.queuedMs)));
    }
  return gaps;
}

export function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export type WorkerInfo = { name: string; group: string; dedicatedScript: string | null; alive: boolean };

export type WorkerTimeline = {
  worker: string;
  group: string | null;
  dedicatedScript: string | null;
  lanes: PlacedBar[][];
  /** mean of laneGaps; null with fewer than two jobs in every lane */
  meanGapMs: number | null;
  gapCount: number;
};

/** One row per worker: the workers the server saw in the window, then any other worker with bars. */
export function timelineByWorker(bars: TimelineBar[], workers: WorkerInfo[], now: number): WorkerTimeline[] {
  const byWorker = new Map<string, TimelineBar[]>();
  for (const b of bars) byWorker.set(b.worker, [...(byWorker.get(b.worker) ?? []), b]);
  const known = new Map(workers.map((w) => [w.name, w]));
  const names = [...workers.map((w) => w.name), ...[...byWorker.keys()].filter((n) => !known.has(n)).sort()];
  return names.map((name) => {
    const lanes = packLanes(byWorker.get(name) ?? [], now);
    const gaps = laneGaps(lanes);
    const info = known.get(name);
    return {
      worker: name,
      group: info?.group ?? null,
      dedicatedScript: info?.dedicatedScript ?? null,
      lanes,
      meanGapMs: mean(gaps),
      gapCount: gaps.length,
    };
  });
}

/** "27 ms", "1.4 ms", "0.15 ms": sub-millisecond gaps keep two decimals. */
export function formatGap(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
