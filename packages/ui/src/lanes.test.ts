import { describe, expect, it } from 'vitest';
import { formatGap, laneGaps, packLanes, type TimelineBar, timelineByWorker } from './lanes';

const bar = (
  id: string,
  startMs: number,
  endMs: number | null,
  worker = 'w1',
  queuedMs = 0,
): TimelineBar => ({
  id,
  path: 'f/x',
  tag: 'node',
  status: endMs === null ? 'running' : 'success',
  worker,
  attempt: 1,
  queuedMs,
  startMs,
  endMs,
});

const ids = (lanes: { id: string }[][]) => lanes.map((l) => l.map((b) => b.id));

describe('packLanes', () => {
  it('keeps back-to-back jobs in one lane (an end equal to the next start is no overlap)', () => {
    expect(ids(packLanes([bar('b', 10, 20), bar('a', 0, 10), bar('c', 20, 20)], 100))).toEqual([
      ['a', 'b', 'c'],
    ]);
  });

  it('opens a lane only for overlapping jobs: as many lanes as jobs at once', () => {
    const lanes = packLanes([bar('a', 0, 10), bar('b', 5, 15), bar('c', 6, 8), bar('d', 12, 20)], 100);
    expect(lanes).toHaveLength(3);
    // d starts at 12: lanes of a (free at 10) and c (free at 8) are free; it takes a's, which freed last
    expect(ids(lanes)).toEqual([['a', 'd'], ['b'], ['c']]);
  });

  it('runs a running job to now', () => {
    const [[running]] = packLanes([bar('r', 50, null)], 80);
    expect(running.end).toBe(80);
  });
});

describe('gaps', () => {
  it('measures the idle time between consecutive jobs of each lane', () => {
    const lanes = packLanes([bar('a', 0, 10), bar('b', 30, 40), bar('c', 5, 25), bar('d', 26, 27)], 100);
    // c, d and b follow each other in one lane (each takes the lane that freed last); a is alone
    expect(ids(lanes)).toEqual([['a'], ['c', 'd', 'b']]);
    expect(laneGaps(lanes)).toEqual([1, 3]);
  });

  it('counts from the push when the lane waited for work, and leaves retries out', () => {
    const lanes = packLanes([bar('a', 0, 10), bar('b', 1000, 1010, 'w1', 990), bar('c', 1030, 1040)], 2000);
    expect(laneGaps(lanes)).toEqual([10, 20]);
    const retry = { ...bar('r', 5000, 5010), attempt: 2 };
    expect(laneGaps(packLanes([bar('a', 0, 10), retry], 6000))).toEqual([]);
  });

  it('groups by worker with the mean gap, idle workers included', () => {
    const rows = timelineByWorker(
      [
        bar('a', 0, 10, 'gen'),
        bar('b', 40, 50, 'gen'),
        bar('c', 0, 1, 'ded'),
        bar('d', 1, 2, 'ded'),
        bar('e', 2, 3, 'ded'),
      ],
      [
        { name: 'ded', group: 'g-ded', dedicatedScript: 'f/x', alive: true },
        { name: 'idle', group: 'default', dedicatedScript: null, alive: true },
      ],
      100,
    );
    expect(rows.map((r) => [r.worker, r.meanGapMs, r.gapCount])).toEqual([
      ['ded', 0, 2],
      ['idle', null, 0],
      ['gen', 30, 1],
    ]);
    expect(rows[0].dedicatedScript).toBe('f/x');
  });

  it('formats gaps from sub-millisecond to seconds', () => {
    expect([0.123, 1.44, 27.4, 12_345, null].map(formatGap)).toEqual([
      '0.12 ms',
      '1.4 ms',
      '27 ms',
      '12.3 s',
      '—',
    ]);
  });
});
