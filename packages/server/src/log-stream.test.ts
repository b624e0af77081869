import { Queue } from '@millrace/queue';
import { Settings } from '@millrace/settings';
import { openTestDb, type TestDb, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer } from './create-server';
import { type RunningServer, startServer } from './start-server';
import { deploy } from './test-support';

let t: TestDb;
let queue: Queue;
let server: RunningServer;
beforeAll(async () => {
  t = await openTestDb('postgres');
  const settings = new Settings(t.db);
  queue = new Queue(t.db, { settings });
  await deploy(settings, 'f/app/echo');
  server = await startServer({ db: t.db, queue, port: 0, uiDir: null, defaultMetrics: false, logPollMs: 20 });
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Reads an SSE response into events; `onEvent` may react (e.g. write more logs) before the next read. */
async function readEvents(res: Response, onEvent: (e: SseEvent) => Promise<void> = async () => {}) {
  const events: SseEvent[] = [];
  if (!res.body) throw new Error('no body');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      if (block.startsWith(':')) continue;
      const e: SseEvent = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        const [k, ...rest] = line.split(': ');
        if (k === 'event') e.event = rest.join(': ');
        if (k === 'id') e.id = rest.join(': ');
        if (k === 'data') e.data = rest.join(': ');
      }
      events.push(e);
      await onEvent(e);
    }
  }
}

it('streams stored chunks, then new ones in order, then end with the status', async () => {
  const id = await queue.push('f/app/echo', {});
  const [job] = await queue.claim('w', ['node'], 1);
  await queue.appendLogs([{ id, attempt: 1, seq: 0, text: 'one\n' }]);
  const res = await fetch(`${server.url}/api/jobs/${id}/logs/stream`, {
    headers: { accept: 'text/event-stream' },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  expect(res.headers.get('cache-control')).toBe('no-cache');
  expect(res.headers.get('x-accel-buffering')).toBe('no');
  const events = await readEvents(res, async (e) => {
    // each chunk seen makes the "worker" produce the next one; the third ends the job
    const { seq } = JSON.parse(e.data);
    if (e.event !== 'log') return;
    if (seq < 3) await queue.appendLogs([{ id, attempt: 1, seq, text: `chunk ${seq}\n` }]);
    else await queue.complete([{ id, token: job.token, status: 'success', result: null }]);
  });
  expect(events.map((e) => [e.event, e.id, e.data])).toEqual([
    ['log', '1', JSON.stringify({ seq: 1, text: 'one\n' })],
    ['log', '2', JSON.stringify({ seq: 2, text: 'chunk 1\n' })],
    ['log', '3', JSON.stringify({ seq: 3, text: 'chunk 2\n' })],
    ['end', undefined, JSON.stringify({ status: 'success' })],
  ]);
});

it('resumes after Last-Event-ID or ?after, and ends at once for a finished job', async () => {
  const id = await queue.push('f/app/echo', {});
  const [job] = await queue.claim('w', ['node'], 1);
  await queue.appendLogs([0, 1, 2].map((seq) => ({ id, attempt: 1, seq, text: `${seq}` })));
  await queue.complete([
    { id, token: job.token, status: 'failure', error: { message: 'x' }, retryable: false },
  ]);
  const resumed = await fetch(`${server.url}/api/jobs/${id}/logs/stream`, {
    headers: { 'last-event-id': '2' },
  });
  expect((await readEvents(resumed)).map((e) => e.data)).toEqual([
    JSON.stringify({ seq: 3, text: '2' }),
    JSON.stringify({ status: 'failure' }),
  ]);
  const after = await fetch(`${server.url}/api/jobs/${id}/logs/stream?after=1`);
  expect((await readEvents(after)).map((e) => e.event)).toEqual(['log', 'log', 'end']);
});

it('answers 404 as JSON before opening the stream', async () => {
  const res = await fetch(`${server.url}/api/jobs/424242/logs/stream`);
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('job_not_found');
});

it('stops polling when the client goes away, and close() ends open streams', async () => {
  const id = await queue.push('f/app/echo', {});
  const app = await createServer({ db: t.db, queue, uiDir: null, defaultMetrics: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const openStreams = () => app.logStreamStats().streams;
  const aborter = new AbortController();
  const address = app.server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${address.port}/api/jobs/${id}/logs/stream`, {
    signal: aborter.signal,
  });
  expect(res.status).toBe(200);
  expect(openStreams()).toBe(1);
  aborter.abort();
  await waitFor(() => openStreams() === 0, { message: 'the stream and its timers cleared' });
  await app.close();
  // a second stream is still open when the server closes: close() must not hang on it
  const other = await startServer({ db: t.db, queue, port: 0, uiDir: null, defaultMetrics: false });
  const open = await fetch(`${other.url}/api/jobs/${id}/logs/stream`);
  const reading = readEvents(open).catch(() => []);
  await other.close();
  expect(await reading).toEqual([]);
  await queue.cancel(id);
});
