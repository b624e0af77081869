// A worker with in-host handlers boots no cold spare until a first cold job comes (docs/design.md,
// Executors): its jobs may all be handlers, and spares booting at start took their CPU. From the
// first cold job on, it keeps spares as a generic worker does.
import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapperPids } from './cold/test-support';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

describe.each(testDrivers())('cold spares of a worker with handlers on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
  });
  afterAll(() => f.drop());

  it('starts none before the first cold job, and keeps them after it', async () => {
    await waitFor(() => wrapperPids().length === 0); // the spares of an earlier worker in this file have exited
    await f.deploy('f/spares/cold', 'export function main() { return process.pid; }', 'javascript');
    await f.start({ group: 'default', handlers: { 'f/spares/hot': async () => 'hot' } });
    // a handler job: the worker has started, claimed and run it, and booted no process for it
    const hot = await f.finished(await f.queue.push('f/spares/hot', {}));
    expect(hot.result).toBe('hot');
    expect(wrapperPids()).toEqual([]);

    const cold = await f.finished(await f.queue.push('f/spares/cold', {}));
    expect(cold.status).toBe('success');
    await waitFor(() => wrapperPids().length > 0); // the spares that now wait for the next cold job
  });
});
