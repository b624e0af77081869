import type { ServerResponse } from 'node:http';
import type { Queue } from '@millrace/queue';
import { JobLogFeed, LogSubscriber } from './job-log-feed';
import type { ChunkPosition } from './log-seq';

export interface LogFeedLimits {
  pollMs: number;
  /** open streams at most, server-wide */
  maxStreams: number;
  /** open streams at most on one job */
  maxPerJob: number;
}

export const DEFAULT_LOG_FEED_LIMITS: LogFeedLimits = { pollMs: 150, maxStreams: 256, maxPerJob: 32 };

/** What is open now, for tests and debugging. `polls` counts every feed poll since the start. */
export interface LogStreamStats {
  limits: LogFeedLimits;
  streams: number;
  feeds: number;
  paused: number;
  bufferedBytes: number;
  polls: number;
}

/** The open log feeds, one per job with streams, and the caps on how many streams may be open. */
export class LogFeeds {
  private readonly feeds = new Map<string, JobLogFeed>();
  private polls = 0;

  constructor(
    private readonly queue: Queue,
    private readonly limits: LogFeedLimits,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Why a new stream on job `id` is refused now, or undefined when it may open. */
  refusal(id: string): string | undefined {
    if (this.streams() >= this.limits.maxStreams)
      return `the server has ${this.limits.maxStreams} log streams open, its limit`;
    if ((this.feeds.get(id)?.size ?? 0) >= this.limits.maxPerJob)
      return `job ${id} has ${this.limits.maxPerJob} log streams open, its limit`;
    return undefined;
  }

  open(id: string, res: ServerResponse, after: ChunkPosition | undefined): void {
    let feed = this.feeds.get(id);
    if (!feed) {
      feed = new JobLogFeed(this.queue, id, this.limits.pollMs, {
        onIdle: (idle) => {
          if (this.feeds.get(idle.id) === idle) this.feeds.delete(idle.id);
        },
        onPoll: () => {
          this.polls++;
        },
        onError: this.onError,
      });
      this.feeds.set(id, feed);
    }
    feed.add(new LogSubscriber(res, after));
  }

  closeAll(): void {
    for (const feed of [...this.feeds.values()]) feed.close();
  }

  streams(): number {
    let n = 0;
    for (const f of this.feeds.values()) n += f.size;
    return n;
  }

  stats(): LogStreamStats {
    const feeds = [...this.feeds.values()];
    return {
      limits: { ...this.limits },
      streams: this.streams(),
      feeds: feeds.length,
      paused: feeds.reduce((n, f) => n + f.paused(), 0),
      bufferedBytes: feeds.reduce((n, f) => n + f.bufferedBytes(), 0),
      polls: this.polls,
    };
  }
}
