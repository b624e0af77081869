// The README's headline is generated from a results file: only a complete full run may replace it,
// the text between the markers is all it replaces, and the tables state caps and busy rows.
import { describe, expect, it } from 'vitest';
import { END, headlineComplete, headlineMarkdown, replaceBetweenMarkers, START } from './readme-headline.mjs';

const oneClockRow = (system, size, jobsPerSec, extra = {}) => ({
  system,
  size,
  jobs: size,
  jobsPerSec,
  spreadPct: 10,
  startupMs: 20,
  repeats: 3,
  busy: false,
  ...extra,
});

const result = {
  mode: 'full',
  command: 'node bench/run.mjs',
  date: '2026-12-01T00:00:00.000Z',
  config: { jobsOverride: null },
  environment: {
    commit: 'abc1234',
    machine: { cpus: 2, cpuModel: 'cpu' },
    node: 'v20',
    postgres: { version: '15' },
  },
  oneClock: [1_000, 20_000, 100_000].flatMap((n) => [
    oneClockRow('handlers', n, 14_000, n === 20_000 ? { busy: true } : {}),
    oneClockRow('graphile-worker', n, 12_000),
    ...(n < 100_000 ? [oneClockRow('pg-boss', n, 300, { jobs: Math.min(n, 2_000) })] : []),
  ]),
  rows: [
    { scenario: 'sleep100ms-c1', runner: 'handlers', concurrency: 1, overheadMs: 0.4 },
    { scenario: 'noop-c1', runner: 'handlers', concurrency: 1, overheadMs: 0.07 },
  ],
  openLoop: [{ system: 'handlers', rate: 100, start: { p50: 2, p99: 7 }, done: {} }],
};

describe('headlineComplete', () => {
  it('accepts only a full run with every one-clock size, the job-length rows and the open loop', () => {
    expect(headlineComplete(result)).toBe(true);
    expect(headlineComplete({ ...result, mode: 'quick' })).toBe(false);
    expect(headlineComplete({ ...result, openLoop: [] })).toBe(false);
    expect(headlineComplete({ ...result, oneClock: result.oneClock.filter((r) => r.size !== 100_000) })).toBe(
      false,
    );
  });
});

describe('headlineMarkdown', () => {
  it('states the command, capped job counts and busy rows, and the overhead and latency tables', () => {
    const text = headlineMarkdown(result, 'bench/results/latest.json');
    expect(text).toContain('`node bench/run.mjs` (bench/results/latest.json)');
    expect(text).toContain('commit abc1234');
    expect(text).toContain('14,000 ±5 % BUSY'); // the N = 20,000 handlers row
    expect(text).toContain('300 ±5 % (2,000 jobs)'); // pg-boss capped at N = 20,000
    expect(text).toMatch(/\| 100 ms \| 0\.4 \|/);
    expect(text).toMatch(/\| \*\*dedicated, in-host handlers\*\* \| 2 \| 7 \|/);
  });
});

describe('replaceBetweenMarkers', () => {
  it('replaces only the text between the markers, the same way every time', () => {
    const readme = `# A\n\nbefore\n${START}\nold table\n${END}\nafter\n`;
    const once = replaceBetweenMarkers(readme, 'new table');
    expect(once).toBe(`# A\n\nbefore\n${START}\nnew table\n${END}\nafter\n`);
    expect(replaceBetweenMarkers(once, 'new table')).toBe(once);
  });

  it('refuses a README without the markers', () => {
    expect(() => replaceBetweenMarkers('# no markers\n', 'x')).toThrow(/markers/);
  });
});
