// Issue 14, item 4: the log stream cannot exhaust memory or the database. A client that never
// reads holds one socket buffer, not the job's log; the streams of one job share one poll; the
// number of open streams is capped (429); everything is released when clients leave.
import { connect, type Socket } from 'node:net';
import { testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type ListeningFixture, openListeningFixture, rawRequest } from './http-test-support';
import { deploy } from './test-support';

const CHUNK = 64 * 1024;
const CHUNKS = 160; // 10 MiB of logs
// per stream: the response's 16 KiB buffer plus the one event that filled it (a 64 KiB chunk as JSON)
const PER_STREAM_BOUND = 96 * 1024;

/** A client that sends the request and then never reads a byte. */
function stalledStream(port: number, id: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  socket.write(`GET /api/jobs/${id}/logs/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  return socket;
}

/** Reads a whole SSE response from a socket: the concatenated log text, the seqs, the end status. */
function readAll(socket: Socket): Promise<{ text: string; seqs: number[]; end?: string }> {
  return new Promise((resolve, reject) => {
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      raw += d;
      // the connection stays open after the response (keep-alive): the end event is the end
      if (/event: end\ndata: .*\n\n/.test(raw)) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const out: { text: string; seqs: number[]; end?: string } = { text: '', seqs: [] };
      for (const block of raw.split('\n\n')) {
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        if (block.includes('event: log')) {
          const { seq, text } = JSON.parse(data) as { seq: number; text: string };
          out.seqs.push(seq);
          out.text += text;
        } else if (block.includes('event: end')) out.end = (JSON.parse(data) as { status: string }).status;
      }
      resolve(out);
    });
  });
}

describe.each(testDrivers())('log streams (%s)', (driver) => {
  let f: ListeningFixture;
  let big: string;
  let token: string;
  let expected: string;
  beforeAll(async () => {
    f = await openListeningFixture(driver, { logPollMs: 20 });
    await deploy(f.settings, 'f/sec/echo');
    big = await f.queue.push('f/sec/echo', {});
    const [job] = await f.queue.claim('w', ['node'], 1);
    token = job.token;
    const chunks = Array.from({ length: CHUNKS }, (_, seq) => ({
      id: big,
      attempt: 1,
      seq,
      text: `${String(seq).padStart(4, '0')}${'x'.repeat(CHUNK - 5)}\n`,
    }));
    expected = chunks.map((c) => c.text).join('');
    for (let i = 0; i < CHUNKS; i += 16) await f.queue.appendLogs(chunks.slice(i, i + 16));
  }, 120_000);
  afterAll(() => f.close());

  it('buffers one socket buffer per client that never reads, and frees it when they leave', async () => {
    const sockets = Array.from({ length: 20 }, () => stalledStream(f.port, big));
    try {
      const stats = await waitFor(
        () => {
          const s = f.server.app.logStreamStats();
          return s.streams === 20 && s.paused === 20 ? s : undefined;
        },
        { message: '20 streams open, each paused by its full socket' },
      );
      expect(stats.feeds).toBe(1);
      expect(stats.bufferedBytes).toBeLessThanOrEqual(20 * PER_STREAM_BOUND);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await waitFor(() => f.server.app.logStreamStats().streams === 0, { message: 'streams closed' });
    expect(f.server.app.logStreamStats()).toMatchObject({
      streams: 0,
      feeds: 0,
      paused: 0,
      bufferedBytes: 0,
    });
  });

  it('gives a client that stalls and then reads every chunk, in order, then end', async () => {
    const socket = stalledStream(f.port, big);
    await waitFor(() => f.server.app.logStreamStats().paused === 1, { message: 'the stream paused' });
    const reading = readAll(socket);
    socket.resume();
    // the job finishes while the client catches up: the end comes after the last chunk
    await f.queue.complete([{ id: big, token, status: 'success', result: null }]);
    const got = await reading;
    expect(got.seqs).toEqual(Array.from({ length: CHUNKS }, (_, i) => i + 1));
    expect(got.text === expected).toBe(true);
    expect(got.end).toBe('success');
  });

  it('serves every stream of one job from one poll: database reads do not grow with clients', async () => {
    const later = await f.queue.push('f/sec/echo', {}, { scheduledFor: new Date(Date.now() + 86_400_000) });
    const calls = { n: 0 };
    const { get, logChunks } = f.queue;
    // count the real queue's reads (a spy around the real methods, not a fake)
    f.queue.get = ((id: string) => {
      calls.n++;
      return get.call(f.queue, id);
    }) as typeof f.queue.get; // get is overloaded (typed ids): one signature stands for both
    f.queue.logChunks = (...a) => {
      calls.n++;
      return logChunks.apply(f.queue, a);
    };
    const aborts = Array.from({ length: 30 }, () => new AbortController());
    try {
      await Promise.all(
        aborts.map((a) => fetch(`${f.server.url}/api/jobs/${later}/logs/stream`, { signal: a.signal })),
      );
      await waitFor(() => f.server.app.logStreamStats().streams === 30, { message: '30 streams open' });
      const start = { calls: calls.n, polls: f.server.app.logStreamStats().polls };
      await waitFor(() => f.server.app.logStreamStats().polls >= start.polls + 10, { message: '10 polls' });
      const polls = f.server.app.logStreamStats().polls - start.polls;
      // one status read and one chunk read per poll (one poll may be half done), whatever the clients
      expect(calls.n - start.calls).toBeLessThanOrEqual(2 * polls + 2);
      expect(f.server.app.logStreamStats().feeds).toBe(1);
    } finally {
      for (const a of aborts) a.abort();
      f.queue.get = get;
      f.queue.logChunks = logChunks;
    }
    await waitFor(() => f.server.app.logStreamStats().streams === 0, { message: 'streams closed' });
  });
});

it('applies the default limits when none are given', async () => {
  const f = await openListeningFixture('postgres', { logPollMs: undefined, maxLogStreams: undefined });
  try {
    expect(f.server.app.logStreamStats().limits).toEqual({ pollMs: 150, maxStreams: 256, maxPerJob: 32 });
  } finally {
    await f.close();
  }
});

describe('stream caps', () => {
  let f: ListeningFixture;
  beforeAll(async () => {
    f = await openListeningFixture('postgres', { maxLogStreams: 3, maxLogStreamsPerJob: 2 });
    await deploy(f.settings, 'f/sec/echo');
  });
  afterAll(() => f.close());

  it('answers 429 TOO_MANY_STREAMS past the per-job and the server-wide limit, until one closes', async () => {
    const [a, b, c] = [
      await f.queue.push('f/sec/echo', {}),
      await f.queue.push('f/sec/echo', {}),
      await f.queue.push('f/sec/echo', {}),
    ];
    const open = (id: string, signal: AbortSignal) =>
      fetch(`${f.server.url}/api/jobs/${id}/logs/stream`, { signal });
    const first = new AbortController();
    const rest = new AbortController();
    try {
      expect((await open(a, first.signal)).status).toBe(200);
      expect((await open(a, rest.signal)).status).toBe(200);
      const perJob = await rawRequest(f.port, { path: `/api/jobs/${a}/logs/stream` });
      expect(perJob.status).toBe(429);
      expect(errorCode(perJob)).toBe('too_many_streams');
      expect(Number(perJob.headers['retry-after'])).toBeGreaterThan(0);
      expect((await open(b, rest.signal)).status).toBe(200);
      const serverWide = await rawRequest(f.port, { path: `/api/jobs/${c}/logs/stream` });
      expect(serverWide.status).toBe(429);
      expect(errorCode(serverWide)).toBe('too_many_streams');

      first.abort();
      await waitFor(() => f.server.app.logStreamStats().streams === 2, { message: 'one stream closed' });
      expect((await open(c, rest.signal)).status).toBe(200);
    } finally {
      first.abort();
      rest.abort();
    }
  });
});
