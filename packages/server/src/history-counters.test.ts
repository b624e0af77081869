import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, openServerFixture, type ServerFixture } from './test-support';

const metric = (text: string, line: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${line} `))
      ?.slice(line.length + 1) ?? Number.NaN,
  );

describe.each(testDrivers())('overview and /metrics read the counters on %s', (driver) => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await openServerFixture(driver);
    await deploy(f.settings, 'f/app/echo');
  });
  afterAll(() => f.close());

  it('count every completion between two scrapes, however many, and keep them after retention removed the jobs', async () => {
    const before = (await f.app.inject({ url: '/metrics' })).body;
    expect(before).not.toContain('millrace_jobs_completed_total{');
    await f.queue.pushMany(Array.from({ length: 700 }, (_, i) => ({ path: 'f/app/echo', args: { i } })));
    for (;;) {
      const jobs = await f.queue.claim('w', ['node'], 100);
      if (jobs.length === 0) break;
      await f.queue.complete(
        jobs.map((j) =>
          Number(j.args.i) % 10 === 0
            ? {
                id: j.id,
                token: j.token,
                status: 'failure' as const,
                error: { message: 'x' },
                retryable: false,
                durationMs: 20,
              }
            : { id: j.id, token: j.token, status: 'success' as const, result: null, durationMs: 2 },
        ),
      );
    }
    const check = async () => {
      const text = (await f.app.inject({ url: '/metrics' })).body;
      expect(metric(text, 'millrace_jobs_completed_total{tag="node",status="success"}')).toBe(630);
      expect(metric(text, 'millrace_jobs_completed_total{tag="node",status="failure"}')).toBe(70);
      expect(metric(text, 'millrace_job_duration_seconds_bucket{le="0.005",tag="node"}')).toBe(630);
      expect(metric(text, 'millrace_job_duration_seconds_bucket{le="0.05",tag="node"}')).toBe(700);
      expect(metric(text, 'millrace_job_duration_seconds_count{tag="node"}')).toBe(700);
      expect(metric(text, 'millrace_job_duration_seconds_sum{tag="node"}')).toBeCloseTo(
        630 * 0.002 + 70 * 0.02,
      );
      expect(metric(text, 'millrace_job_start_latency_seconds_count{tag="node"}')).toBe(700);
      const counts = (await f.app.inject({ url: '/api/counts' })).json();
      expect(counts.byStatus).toEqual({ queued: 0, running: 0, success: 630, failure: 70, canceled: 0 });
      const chart = (await f.app.inject({ url: '/api/stats/throughput?minutes=5&bucketSeconds=300' })).json();
      const perSecond = chart.series.find((s: { tag: string }) => s.tag === 'node').values;
      expect(Math.round(perSecond.reduce((a: number, b: number) => a + b, 0) * 300)).toBe(700);
    };
    await check();

    // retention drops the whole range: the jobs are gone, the counts are not
    await f.queue.history.startNewRange();
    await f.db.query(`UPDATE millrace.job_completed SET completed_at = now() - interval '40 days'`);
    await f.db.query(
      `UPDATE millrace.history_ranges SET sealed_at = now() - interval '40 days' WHERE sealed_at IS NOT NULL`,
    );
    expect(await f.queue.history.maintain()).toMatchObject({ rangesDropped: 1 });
    expect((await f.app.inject({ url: '/api/jobs' })).json().jobs).toEqual([]);
    await check();
  });
});
