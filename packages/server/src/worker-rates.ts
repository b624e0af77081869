import type { WorkerInfo } from '@millrace/queue';

const WINDOW_MS = 60_000;

/**
 * Jobs per second per worker, from the deltas of its `jobsDone` between polls of GET /api/workers.
 * Kept in this process's memory: no query of its own, and the UI polls every second anyway. The
 * first poll after a restart reports 0 until a second sample exists. Samples older than the window
 * are dropped, and workers not seen for a window are forgotten, so memory stays bounded.
 */
export class WorkerRates {
  private readonly samples = new Map<string, { at: number; done: number }[]>();

  observe(workers: WorkerInfo[], now = Date.now()): Map<string, number> {
    const rates = new Map<string, number>();
    for (const w of workers) {
      const list = this.samples.get(w.name) ?? [];
      const last = list[list.length - 1];
      if (!last || last.done !== w.jobsDone || now - last.at >= 1000)
        list.push({ at: now, done: w.jobsDone });
      while (list.length > 1 && now - list[0].at > WINDOW_MS) list.shift();
      this.samples.set(w.name, list);
      const first = list[0];
      const newest = list[list.length - 1];
      const seconds = (newest.at - first.at) / 1000;
      const rate = seconds > 0 ? Math.max(0, newest.done - first.done) / seconds : 0;
      rates.set(w.name, w.alive ? Math.round(rate * 100) / 100 : 0);
    }
    for (const [name, list] of this.samples) {
      if (now - list[list.length - 1].at > WINDOW_MS) this.samples.delete(name);
    }
    return rates;
  }
}
