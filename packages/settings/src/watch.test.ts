import type { Db } from '@millrace/db';
import { openDb } from '@millrace/db';
import { openTestDb, type TestDb, testDrivers, waitFor } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Settings, type SettingsEvent } from './index';

describe.each(testDrivers())('watch on %s', (driver) => {
  let t: TestDb;
  let other: Db;
  beforeAll(async () => {
    t = await openTestDb(driver);
    // a second connection, as another process would have; PGlite has one backend, so itself
    other = t.url ? await openDb({ url: t.url }) : t.db;
  });
  afterAll(async () => {
    if (other !== t.db) await other.close();
    await t.drop();
  });

  it('delivers group, settings and deploy changes made on another connection', async () => {
    const events: SettingsEvent[] = [];
    const unsubscribe = await new Settings(other).watch((e) => events.push(e));
    try {
      const writer = new Settings(t.db);
      await writer.setWorkerGroup('fast', { concurrency: 4 });
      await waitFor(() => events.some((e) => e.kind === 'worker_group' && e.name === 'fast'), {
        timeoutMs: 1000,
      });
      await writer.deployScript({ path: 'f/watch/one', content: 'export const main = () => 1;' });
      await waitFor(() => events.some((e) => e.kind === 'script' && e.name === 'f/watch/one'), {
        timeoutMs: 1000,
      });
      const before = events.length;
      await writer.setScriptSettings('f/watch/one', { priority: 3 });
      await waitFor(() => events.length > before, { timeoutMs: 1000 });
      expect(events.at(-1)).toEqual({ kind: 'script', name: 'f/watch/one' });
      await writer.deleteWorkerGroup('fast');
      await waitFor(() => events.filter((e) => e.kind === 'worker_group').length === 2, { timeoutMs: 1000 });
    } finally {
      await unsubscribe();
    }
  });

  it('does not notify a refused write', async () => {
    const events: SettingsEvent[] = [];
    const unsubscribe = await new Settings(other).watch((e) => events.push(e));
    const writer = new Settings(t.db);
    await writer.setWorkerGroup('ghost', { dedicatedWorker: 'f/no/such' }).catch(() => {});
    // a successful write after it: once its event is in, an event of the refused one would be too
    await writer.setWorkerGroup('after', {});
    await waitFor(() => events.length > 0, { timeoutMs: 1000 });
    await unsubscribe();
    expect(events).toEqual([{ kind: 'worker_group', name: 'after' }]);
  });

  it('falls back to polling for a change whose notification was lost, and leaves no timer behind', async () => {
    const POLL_MS = 37;
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const events: SettingsEvent[] = [];
    const unsubscribe = await new Settings(other).watch((e) => events.push(e), { pollIntervalMs: POLL_MS });
    try {
      // a write that sends no NOTIFY, as if the notification was lost
      await t.db.query(
        "UPDATE millrace.worker_groups SET concurrency = 2, updated_at = now() WHERE name = 'default'",
      );
      await waitFor(() => events.some((e) => e.kind === 'poll'), { timeoutMs: 2000 });
    } finally {
      await unsubscribe();
    }
    const pollTimers = setTimeoutSpy.mock.results
      .filter((_, i) => setTimeoutSpy.mock.calls[i][1] === POLL_MS)
      .map((r) => r.value as NodeJS.Timeout & { _destroyed?: boolean });
    setTimeoutSpy.mockRestore();
    expect(pollTimers.length).toBeGreaterThan(0);
    // Node marks a timeout destroyed once it has fired or been cleared: none is left pending
    expect(pollTimers.every((timer) => timer._destroyed === true)).toBe(true);
  });
});
