import type { CounterHistogram, Queue, TagHistograms } from '@millrace/queue';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * Prometheus metrics on a registry of this server's own (never prom-client's global one, so several
 * servers in one process do not collide). Refreshed at each scrape from the queue's read side,
 * which answers from counters kept by the statements that end jobs (docs/history.md): the
 * completion counter and the histograms are exact and monotonic whatever the load and whichever
 * server scrapes, and no scrape reads history.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly jobs: Gauge<'status'>;
  private readonly queueJobs: Gauge<'tag' | 'status'>;
  private readonly unserved: Gauge<'tag'>;
  private readonly workersAlive: Gauge<'group'>;
  private readonly completed: Counter<'tag' | 'status'>;
  private readonly duration: CounterHistogramMetric;
  private readonly startLatency: CounterHistogramMetric;

  constructor(
    private readonly queue: Queue,
    { defaultMetrics = true }: { defaultMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    this.jobs = new Gauge({
      name: 'millrace_jobs',
      help: 'Jobs by status (finished: every job ever ended with that status)',
      labelNames: ['status'],
      registers,
    });
    this.queueJobs = new Gauge({
      name: 'millrace_queue_jobs',
      help: 'Jobs in the queue (queued or running) by tag',
      labelNames: ['tag', 'status'],
      registers,
    });
    this.unserved = new Gauge({
      name: 'millrace_tag_without_workers',
      help: '1 for a tag with queued jobs and no live worker serving it',
      labelNames: ['tag'],
      registers,
    });
    this.workersAlive = new Gauge({
      name: 'millrace_workers_alive',
      help: 'Live workers by group',
      labelNames: ['group'],
      registers,
    });
    this.completed = new Counter({
      name: 'millrace_jobs_completed_total',
      help: 'Jobs ended (success, failure, canceled), exact, from the database counters',
      labelNames: ['tag', 'status'],
      registers,
    });
    this.duration = new CounterHistogramMetric(
      'millrace_job_duration_seconds',
      'Run time of ended jobs that ran',
      (c) => c.duration,
    );
    this.startLatency = new CounterHistogramMetric(
      'millrace_job_start_latency_seconds',
      'Time from runnable (created or scheduled) to started, for ended jobs',
      (c) => c.latency,
    );
    this.registry.registerMetric(this.duration as never);
    this.registry.registerMetric(this.startLatency as never);
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Prometheus text after a fresh snapshot of the queue. */
  async render(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async refresh(): Promise<void> {
    const [counts, workers, counters, histograms] = await Promise.all([
      this.queue.counts(),
      this.queue.workers(),
      this.queue.completionCounters(),
      this.queue.completionHistograms(),
    ]);
    this.jobs.reset();
    for (const [status, n] of Object.entries(counts.byStatus)) this.jobs.set({ status }, n);
    this.queueJobs.reset();
    this.unserved.reset();
    for (const t of counts.byTag) {
      this.queueJobs.set({ tag: t.tag, status: 'queued' }, t.queued);
      this.queueJobs.set({ tag: t.tag, status: 'running' }, t.running);
    }
    for (const tag of counts.tagsWithoutWorkers) this.unserved.set({ tag }, 1);
    this.workersAlive.reset();
    for (const w of workers) if (w.alive) this.workersAlive.inc({ group: w.group });
    // the database totals only grow, so setting the counter to them keeps it monotonic
    this.completed.reset();
    for (const c of counters) this.completed.inc({ tag: c.tag, status: c.status }, c.count);
    this.duration.update(histograms);
    this.startLatency.update(histograms);
  }
}

/**
 * A Prometheus histogram per tag whose buckets are the database's counters (prom-client's own
 * Histogram can only observe values one by one).
 */
class CounterHistogramMetric {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private byTag: [string, CounterHistogram][] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly pick: (h: TagHistograms) => CounterHistogram,
  ) {}

  update(histograms: TagHistograms[]): void {
    this.byTag = histograms.map((h) => [h.tag, this.pick(h)]);
  }

  get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const [tag, h] of this.byTag) {
      h.bucketsMs.forEach((ms, i) => {
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { le: ms / 1000, tag },
          value: h.cumulative[i],
        });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', tag }, value: h.count });
      values.push({ metricName: `${this.name}_sum`, labels: { tag }, value: h.sumMs / 1000 });
      values.push({ metricName: `${this.name}_count`, labels: { tag }, value: h.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.byTag = [];
  }
}
