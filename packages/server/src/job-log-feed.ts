import type { ServerResponse } from 'node:http';
import type { LogChunk, Queue } from '@millrace/queue';
import { type ChunkPosition, comparePositions, streamSeq } from './log-seq';

const FINISHED = new Set(['success', 'failure', 'canceled']);
const PING_MS = 15_000;
/**
 * What one database read may bring into memory, whoever is reading: at most MAX_PAGE chunks and,
 * judging by the chunks read so far, about PAGE_BYTES of text (a job's chunks may be 64 KiB each).
 */
const MAX_PAGE = 200;
const FIRST_PAGE = 32;
const PAGE_BYTES = 256 * 1024;

/** One SSE client of a job's logs. */
export class LogSubscriber {
  /** the last chunk written to this client */
  pos: ChunkPosition | undefined;
  /** has every chunk the feed has read: the feed's polls write to it directly */
  live = false;
  /** its socket is full: nothing more is written until 'drain', then it catches up from the database */
  paused = false;
  queued = false;
  closed = false;

  constructor(
    readonly res: ServerResponse,
    pos: ChunkPosition | undefined,
  ) {
    this.pos = pos;
  }
}

export interface FeedHooks {
  onIdle(feed: JobLogFeed): void;
  onPoll(): void;
  onError(err: unknown): void;
}

/**
 * Every open log stream of one job, served by one poll: while a client is live, the feed reads
 * the job's status and new chunks every `pollMs` and writes them to all live clients. A client
 * whose socket is full (`write()` returned false) is paused and costs nothing until 'drain'; it
 * then catches up with its own reads, one page at a time, and rejoins. So memory per client is
 * one socket buffer plus one chunk, and database load per job does not grow with its clients.
 * All reads of a feed run one after the other (`work`), so positions never race.
 */
export class JobLogFeed {
  private readonly subs = new Set<LogSubscriber>();
  /** the newest chunk read from the database */
  private pos: ChunkPosition | undefined;
  /** the job's final status, once it is finished and every chunk has been read */
  private finalStatus: string | undefined;
  private work: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly ping: NodeJS.Timeout;
  private closed = false;
  /** chunks per read, from the job's average chunk size */
  private page = FIRST_PAGE;

  constructor(
    private readonly queue: Queue,
    readonly id: string,
    private readonly pollMs: number,
    private readonly hooks: FeedHooks,
  ) {
    this.ping = setInterval(() => {
      for (const sub of this.subs) if (!sub.paused) this.writeTo(sub, ': ping\n\n');
    }, PING_MS);
  }

  get size(): number {
    return this.subs.size;
  }

  paused(): number {
    return [...this.subs].filter((s) => s.paused).length;
  }

  bufferedBytes(): number {
    let n = 0;
    for (const s of this.subs) n += s.res.writableLength;
    return n;
  }

  add(sub: LogSubscriber): void {
    this.subs.add(sub);
    sub.res.on('drain', () => {
      sub.paused = false;
      this.catchUp(sub);
    });
    sub.res.on('close', () => this.remove(sub));
    this.catchUp(sub);
  }

  /** Ends every stream (server shutdown, or a failed read: clients reconnect and resume). */
  close(): void {
    for (const sub of this.subs) this.remove(sub);
  }

  private remove(sub: LogSubscriber): void {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub);
    if (!sub.res.writableEnded) sub.res.end();
    if (this.subs.size === 0 && !this.closed) {
      this.closed = true;
      clearTimeout(this.timer);
      clearInterval(this.ping);
      this.hooks.onIdle(this);
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err) => {
      this.hooks.onError(err);
      this.close();
    });
  }

  private catchUp(sub: LogSubscriber): void {
    if (sub.queued) return;
    sub.queued = true;
    this.enqueue(async () => {
      sub.queued = false;
      while (!sub.closed && !sub.paused && !sub.live) {
        if (comparePositions(sub.pos, this.pos) >= 0) return this.join(sub);
        const limit = this.page;
        const chunks = await this.read(sub.pos, limit);
        if (sub.closed) return;
        this.write(sub, chunks);
        // what this read found beyond the feed's position is new for the live clients too
        this.advance(chunks.filter((c) => comparePositions(c, this.pos) > 0));
        // a short page: it has everything stored (chunks removed by retention cannot stall it)
        if (chunks.length < limit && !sub.paused) return this.join(sub);
      }
    });
  }

  /** A client that has every chunk read so far: it gets the end now, or new chunks from the polls. */
  private join(sub: LogSubscriber): void {
    sub.live = true;
    if (this.finalStatus !== undefined) this.end(sub, this.finalStatus);
    else if (!this.polling) this.schedulePoll(0);
  }

  private schedulePoll(delay: number): void {
    clearTimeout(this.timer);
    this.polling = true;
    this.timer = setTimeout(() => this.enqueue(() => this.poll()), delay);
  }

  private async poll(): Promise<void> {
    this.polling = false;
    if (this.closed || !this.anyLive()) return; // paused clients poll nothing; they catch up on drain
    this.hooks.onPoll();
    // Status first, chunks second: once a finished status is read, every chunk of the job is
    // already stored, so a short page read after it holds the last ones.
    const { status } = await this.queue.get(this.id);
    let chunks: LogChunk[];
    let limit: number;
    do {
      limit = this.page;
      chunks = await this.read(this.pos, limit);
      if (this.closed) return;
      this.advance(chunks);
    } while (chunks.length === limit && this.anyLive());
    if (FINISHED.has(status) && chunks.length < limit) {
      this.finalStatus = status;
      for (const sub of this.subs) if (sub.live) this.end(sub, status);
      return;
    }
    this.schedulePoll(this.pollMs);
  }

  private async read(after: ChunkPosition | undefined, limit: number): Promise<LogChunk[]> {
    const chunks = await this.queue.logChunks(this.id, { after, limit });
    if (chunks.length > 0) {
      const average = chunks.reduce((n, c) => n + c.text.length, 0) / chunks.length;
      this.page = Math.max(1, Math.min(MAX_PAGE, Math.floor(PAGE_BYTES / Math.max(average, 1))));
    }
    return chunks;
  }

  private anyLive(): boolean {
    for (const s of this.subs) if (s.live) return true;
    return false;
  }

  /** New chunks (past the feed's position): to every live client, then the position moves. */
  private advance(chunks: LogChunk[]): void {
    if (chunks.length === 0) return;
    for (const sub of this.subs) if (sub.live) this.write(sub, chunks);
    const last = chunks[chunks.length - 1];
    this.pos = { attempt: last.attempt, seq: last.seq };
  }

  private write(sub: LogSubscriber, chunks: LogChunk[]): void {
    for (const c of chunks) {
      if (sub.paused || sub.closed) return;
      if (comparePositions(c, sub.pos) <= 0) continue;
      const seq = streamSeq(c.attempt, c.seq);
      sub.pos = { attempt: c.attempt, seq: c.seq };
      this.writeTo(sub, `id: ${seq}\nevent: log\ndata: ${JSON.stringify({ seq, text: c.text })}\n\n`);
    }
  }

  /** Writes; a full socket pauses the client (the text is already buffered, nothing more is). */
  private writeTo(sub: LogSubscriber, text: string): void {
    if (sub.res.write(text)) return;
    sub.paused = true;
    sub.live = false;
  }

  private end(sub: LogSubscriber, status: string): void {
    sub.res.write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
    this.remove(sub);
  }
}
