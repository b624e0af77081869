// The end-of-run checks of the parent-killing phase must be able to fail: a process left by a job
// is found (by the run's env entry, or a daemon's argv mark), and a worker that dies of anything
// but the run's own SIGKILL or SIGTERM is reported.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Settings } from '@millrace/settings';
import { openTestDb, testDrivers } from '@millrace/testing';
import { describe, expect, it } from 'vitest';
import { processesWith, strayProcesses } from './faults/parent-killing-jobs.mjs';
import { deployChaosScripts, GENERIC_GROUP } from './scripts.mjs';
import { createWorkerPool } from './worker-pool.mjs';

describe('processes left by jobs', () => {
  it('are found by their env entry and their argv mark, until they end', async () => {
    const run = `leftover-${randomUUID()}`;
    const mark = `mark-${randomUUID()}`;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', mark], {
      env: { ...process.env, MILLRACE_CHAOS_RUN: run },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(processesWith({ env: `MILLRACE_CHAOS_RUN=${run}` })).toEqual([child.pid]);
      expect(processesWith({ arg: mark })).toEqual([child.pid]);
      expect(processesWith({ env: `MILLRACE_CHAOS_RUN=${run}-other` })).toEqual([]);
      expect(await strayProcesses('MILLRACE_CHAOS_RUN', run, { waitMs: 200 })).toEqual([child.pid]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(await strayProcesses('MILLRACE_CHAOS_RUN', run)).toEqual([]);
  });
});

describe.runIf(testDrivers().includes('postgres'))('a chaos worker that dies', () => {
  it('is reported when something other than the run killed it, not when the run did', async () => {
    const t = await openTestDb('postgres');
    try {
      await deployChaosScripts(new Settings(t.db), { concurrency: 2 });
      const pool = createWorkerPool({
        url: t.url as string,
        logFile: join(tmpdir(), `leftovers-${process.pid}.log`),
      });
      const victim = await pool.spawn(GENERIC_GROUP);
      const bystander = await pool.spawn(GENERIC_GROUP);
      process.kill(victim.child.pid as number, 'SIGKILL'); // as a job that reached it would
      await victim.exited;
      expect(pool.diedUnasked).toEqual([{ name: victim.name, group: GENERIC_GROUP, how: 'SIGKILL' }]);
      // the run's own kills and stops are not deaths
      while (pool.live.size > 0) await pool.killRandom();
      await pool.stopAll();
      expect(pool.killed).toEqual([bystander.name]);
      expect(pool.diedUnasked.map((w) => w.name)).toEqual([victim.name]);
    } finally {
      await t.drop();
    }
  }, 60_000);
});
