import type { Job, Queue } from '@millrace/queue';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const RECENT_FINISHED = 500;
const SEEN_IDS_KEPT = 20_000;

/**
 * Prometheus metrics on a registry of this server's own (never prom-client's global one, so several
 * servers in one process do not collide). Refreshed from the queue's read side at each scrape:
 * gauges are snapshots; the completion counter and histograms are fed by the finished jobs that
 * appear among the newest RECENT_FINISHED between scrapes (exact unless more than that many jobs
 * finish between two scrapes — then the excess is not counted; see README).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly seen = new Set<string>();
  private readonly jobs: Gauge<'status'>;
  private readonly queueJobs: Gauge<'tag' | 'status'>;
  private readonly unserved: Gauge<'tag'>;
  private readonly workersAlive: Gauge<'group'>;
  private readonly completed: Counter<'tag' | 'status'>;
  private readonly duration: Histogram<'tag'>;
  private readonly startLatency: Histogram<'tag'>;

  constructor(
    private readonly queue: Queue,
    { defaultMetrics = true }: { defaultMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    this.jobs = new Gauge({
      name: 'millrace_jobs',
      help: 'Jobs by status',
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
      help: 'Jobs completed (success, failure, canceled) seen by this server',
      labelNames: ['tag', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'millrace_job_duration_seconds',
      help: 'Run time of completed jobs',
      labelNames: ['tag'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300],
      registers,
    });
    this.startLatency = new Histogram({
      name: 'millrace_job_start_latency_seconds',
      help: 'Time from runnable (created or scheduled) to started, for completed jobs',
      labelNames: ['tag'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300],
      registers,
    });
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
    const [counts, workers, finished] = await Promise.all([
      this.queue.counts(),
      this.queue.workers(),
      this.queue.list({ status: ['success', 'failure', 'canceled'], limit: RECENT_FINISHED }),
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
    for (const job of finished) this.observeFinished(job);
  }

  private observeFinished(job: Job): void {
    if (this.seen.has(job.id)) return;
    this.seen.add(job.id);
    if (this.seen.size > SEEN_IDS_KEPT) {
      // a Set iterates in insertion order: drop the oldest ids
      for (const id of this.seen) {
        this.seen.delete(id);
        if (this.seen.size <= SEEN_IDS_KEPT / 2) break;
      }
    }
    this.completed.inc({ tag: job.tag, status: job.status });
    if (job.durationMs != null) this.duration.observe({ tag: job.tag }, job.durationMs / 1000);
    if (job.startedAt) {
      const runnableAt = Math.max(job.createdAt.getTime(), job.scheduledFor?.getTime() ?? 0);
      this.startLatency.observe({ tag: job.tag }, Math.max(0, job.startedAt.getTime() - runnableAt) / 1000);
    }
  }
}
