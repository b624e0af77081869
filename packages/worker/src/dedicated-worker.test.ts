import { testDrivers } from '@millrace/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDedicatedWorker } from './index';
import { openWorkerFixture, type WorkerFixture, waitFor } from './test-support';

const COUNTER = `let calls = 0;
export function main(args: { i: number }) {
  calls++;
  console.log("job", args.i, "call", calls);
  return { i: args.i, calls };
}`;

describe.each(testDrivers())('dedicated worker on %s', (driver) => {
  let f: WorkerFixture;
  beforeAll(async () => {
    f = await openWorkerFixture(driver);
    await f.deploy('f/ded/counter', COUNTER);
    await f.settings.setScriptSettings('f/ded/counter', { dedicated: true });
    await f.settings.setWorkerGroup('counter', { dedicatedWorker: 'f/ded/counter', concurrency: 4 });
    await f.start({ group: 'counter' });
  });
  afterAll(() => f.drop());

  it('runs 1,000 jobs as 1,000 separate jobs, each with its own result and logs, in one warm runtime', async () => {
    const ids = await f.queue.pushMany(
      Array.from({ length: 1000 }, (_, i) => ({ path: 'f/ded/counter', args: { i } })),
    );
    // one waiter at a time: a thousand concurrent waiters each polling would load PGlite's one
    // connection more than the worker they wait for
    const jobs = [];
    for (const id of ids) jobs.push(await f.finished(id, 120_000));
    expect(jobs.every((j) => j.status === 'success' && j.tag === 'dedicated:f/ded/counter')).toBe(true);
    expect(jobs.map((j) => (j.result as { i: number }).i)).toEqual(ids.map((_, i) => i));
    // module state persists: the runtime is warm (the generic worker's counter stays at 1)
    const calls = jobs.map((j) => (j.result as { calls: number }).calls);
    expect(Math.max(...calls)).toBeGreaterThan(100);
    for (const id of [ids[0], ids[500], ids[999]]) {
      const job = jobs[ids.indexOf(id)];
      expect(await f.queue.logs(id)).toBe(
        `job ${(job.result as { i: number }).i} call ${(job.result as { calls: number }).calls}\n`,
      );
    }
    const { rows } = await f.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM millrace.job_completed WHERE id = ANY($1::bigint[])',
      [ids],
    );
    expect(rows[0].n).toBe(1000);
  });

  it('loads its script when it starts, before the first job arrives', async () => {
    await f.deploy(
      'f/ded/loaded',
      'const loadedAt = Date.now(); export function main() { return { loadedAt }; }',
    );
    await f.settings.setScriptSettings('f/ded/loaded', { dedicated: true });
    await f.settings.setWorkerGroup('loaded', { dedicatedWorker: 'f/ded/loaded' });
    await f.start({ group: 'loaded' });
    const startedBy = Date.now();
    const job = await f.finished(await f.queue.push('f/ded/loaded'));
    expect((job.result as { loadedAt: number }).loadedAt).toBeLessThanOrEqual(startedBy);
  });

  it('fails a job that throws alone; the runtime keeps serving', async () => {
    await f.deploy(
      'f/ded/picky',
      'let n = 0; export function main(a) { n++; if (a.bad) throw new RangeError("bad input"); return n; }',
    );
    await f.settings.setScriptSettings('f/ded/picky', { dedicated: true });
    await f.settings.setWorkerGroup('picky', { dedicatedWorker: 'f/ded/picky' });
    await f.start({ group: 'picky' });
    const [ok1, bad, ok2] = await f.queue.pushMany([
      { path: 'f/ded/picky' },
      { path: 'f/ded/picky', args: { bad: true } },
      { path: 'f/ded/picky' },
    ]);
    expect((await f.finished(ok1)).result).toBe(1);
    expect(await f.finished(bad)).toMatchObject({
      status: 'failure',
      error: { message: 'bad input', name: 'RangeError' },
    });
    expect((await f.finished(ok2)).result).toBe(3);
  });

  it('times out a stuck job, replaces the runtime and goes on', async () => {
    await f.deploy('f/ded/stuck', 'export function main(a) { if (a.spin) for (;;) {} return "fine"; }');
    await f.settings.setScriptSettings('f/ded/stuck', { dedicated: true });
    await f.settings.setWorkerGroup('stuck', { dedicatedWorker: 'f/ded/stuck', concurrency: 1 });
    await f.start({ group: 'stuck' });
    const stuck = await f.queue.push('f/ded/stuck', { spin: true }, { timeoutMs: 300 });
    expect(await f.finished(stuck)).toMatchObject({ status: 'failure', error: { reason: 'timeout' } });
    expect((await f.finished(await f.queue.push('f/ded/stuck'))).result).toBe('fine');
  });

  it('cancels a running job', async () => {
    await f.deploy(
      'f/ded/wait',
      'export async function main() { console.log("waiting"); await new Promise((r) => setTimeout(r, 60000)); }',
    );
    await f.settings.setScriptSettings('f/ded/wait', { dedicated: true });
    await f.settings.setWorkerGroup('wait', { dedicatedWorker: 'f/ded/wait' });
    await f.start({ group: 'wait' });
    const id = await f.queue.push('f/ded/wait');
    await waitFor(async () => (await f.queue.logs(id)).includes('waiting'));
    await f.queue.cancel(id);
    expect((await f.finished(id)).status).toBe('canceled');
  });

  it('hands the next job to the busy runtime ahead: its start, duration and timeout count from when it really ran', async () => {
    await f.deploy(
      'f/ded/paced',
      `let calls = 0;
       export async function main(a) {
         calls++;
         const started = Date.now();
         await new Promise((r) => setTimeout(r, a.ms ?? 150));
         return { calls, started, ended: Date.now() };
       }`,
    );
    await f.settings.setScriptSettings('f/ded/paced', { dedicated: true });
    await f.settings.setWorkerGroup('paced', { dedicatedWorker: 'f/ded/paced', concurrency: 1 });
    await f.start({ group: 'paced' });
    // each job alone fits its 250 ms timeout; counted from the hand-off, the later ones would not
    const ids = await f.queue.pushMany(
      Array.from({ length: 4 }, () => ({ path: 'f/ded/paced', timeoutMs: 250 })),
    );
    // one waiter at a time: a thousand concurrent waiters each polling would load PGlite's one
    // connection more than the worker they wait for
    const jobs = [];
    for (const id of ids) jobs.push(await f.finished(id, 120_000));
    expect(jobs.map((j) => j.status)).toEqual(['success', 'success', 'success', 'success']);
    expect(jobs.map((j) => (j.result as { calls: number }).calls)).toEqual([1, 2, 3, 4]);
    // each start is the real one: within the job's own run, after the job before it ended (whole ms,
    // hence 1 ms of slack) — a start taken at the hand-off would fall inside the previous run
    for (const [i, job] of jobs.entries()) {
      const { ended } = job.result as { ended: number };
      const startedAt = (job.startedAt as Date).getTime();
      expect(startedAt).toBeLessThanOrEqual(ended + 1);
      if (i > 0)
        expect(startedAt).toBeGreaterThanOrEqual(
          (jobs[i - 1] as { result: { ended: number } }).result.ended - 1,
        );
    }
    // A job waiting ahead of a running one is canceled without running and without stopping the runtime.
    const [running, waiting] = await f.queue.pushMany([
      { path: 'f/ded/paced', args: { ms: 1500 } },
      { path: 'f/ded/paced' },
    ]);
    await waitFor(async () => (await f.queue.get(waiting)).status === 'running'); // claimed, handed ahead
    await f.queue.cancel(waiting);
    expect((await f.finished(waiting)).status).toBe('canceled');
    expect((await f.finished(running)).result).toMatchObject({ calls: 5 });
    expect(((await f.finished(await f.queue.push('f/ded/paced'))).result as { calls: number }).calls).toBe(6);
  });

  it('restarts a crashed runtime; the crashing job fails with a reason, later jobs run', async () => {
    await f.deploy('f/ded/crash', 'export function main(a) { if (a.exit) process.exit(3); return "alive"; }');
    await f.settings.setScriptSettings('f/ded/crash', { dedicated: true, maxAttempts: 1 });
    await f.settings.setWorkerGroup('crash', { dedicatedWorker: 'f/ded/crash', concurrency: 1 });
    await f.start({ group: 'crash' });
    const crashed = await f.finished(await f.queue.push('f/ded/crash', { exit: true }));
    expect(crashed.status).toBe('failure');
    expect(crashed.error?.reason).toMatch(/crash|runtime_lost/);
    expect((await f.finished(await f.queue.push('f/ded/crash'))).result).toBe('alive');
  });

  it('picks up a redeploy without a restart; a job queued on the old version runs the old version', async () => {
    await f.deploy('f/ded/ver', 'export const main = () => "v1";');
    await f.settings.setScriptSettings('f/ded/ver', { dedicated: true });
    const queuedOnV1 = await f.queue.push('f/ded/ver');
    await f.deploy('f/ded/ver', 'export const main = () => "v2";');
    const onV2 = await f.queue.push('f/ded/ver');
    await f.settings.setWorkerGroup('ver', { dedicatedWorker: 'f/ded/ver' });
    await f.start({ group: 'ver' });
    expect((await f.finished(queuedOnV1)).result).toBe('v1');
    expect((await f.finished(onV2)).result).toBe('v2');
    await f.deploy('f/ded/ver', 'export const main = () => "v3";');
    expect((await f.finished(await f.queue.push('f/ded/ver'))).result).toBe('v3');
  });

  it('runs in-host handlers with no thread hop', async () => {
    await f.deploy('f/ded/send', 'export function main() { throw new Error("runs in the host"); }');
    await f.settings.setScriptSettings('f/ded/send', { dedicated: true });
    await f.settings.setWorkerGroup('send', { dedicatedWorker: 'f/ded/send', concurrency: 8 });
    const sent: string[] = [];
    f.workers.push(
      await startDedicatedWorker({
        db: f.db,
        queue: f.queue,
        group: 'send',
        heartbeat: { pingMs: 200, reapEveryMs: 0 },
        handlers: {
          'f/ded/send': async (args) => {
            const { to } = args as { to: string };
            console.log(`sending to ${to}`);
            sent.push(to);
            return { sent: to };
          },
        },
      }),
    );
    const ids = await f.queue.pushMany(['a', 'b', 'c'].map((to) => ({ path: 'f/ded/send', args: { to } })));
    // one waiter at a time: a thousand concurrent waiters each polling would load PGlite's one
    // connection more than the worker they wait for
    const jobs = [];
    for (const id of ids) jobs.push(await f.finished(id, 120_000));
    expect(jobs.map((j) => j.result)).toEqual([{ sent: 'a' }, { sent: 'b' }, { sent: 'c' }]);
    expect(sent.sort()).toEqual(['a', 'b', 'c']);
    expect(await f.queue.logs(ids[1])).toBe('sending to b\n');
  });

  it('refuses startDedicatedWorker on a generic group', async () => {
    await expect(startDedicatedWorker({ db: f.db, group: 'default' })).rejects.toMatchObject({
      code: 'worker_config',
    });
  });

  it('runs a dedicated Python script in the process runtime', async () => {
    await f.deploy(
      'f/ded/py',
      'count = 0\ndef main(args):\n    global count\n    count += 1\n    print("py", args["x"])\n    return {"x": args["x"] * 2, "count": count}\n',
      'python',
    );
    await f.settings.setScriptSettings('f/ded/py', { dedicated: true });
    await f.settings.setWorkerGroup('py', { dedicatedWorker: 'f/ded/py' });
    await f.start({ group: 'py' });
    const ids = await f.queue.pushMany([1, 2, 3].map((x) => ({ path: 'f/ded/py', args: { x } })));
    // one waiter at a time: a thousand concurrent waiters each polling would load PGlite's one
    // connection more than the worker they wait for
    const jobs = [];
    for (const id of ids) jobs.push(await f.finished(id, 120_000));
    expect(jobs.map((j) => (j.result as { x: number }).x)).toEqual([2, 4, 6]);
    expect(Math.max(...jobs.map((j) => (j.result as { count: number }).count))).toBe(3);
    expect(await f.queue.logs(ids[2])).toContain('py 3');
  });

  it('follows its group from generic to dedicated, live', async () => {
    await f.deploy('f/ded/switch', 'let n = 0; export function main() { n++; return n; }');
    await f.settings.setWorkerGroup('switch', { tags: ['switch'] });
    await f.start({ group: 'switch' });
    const generic = await f.finished(await f.queue.push('f/ded/switch', {}, { tag: 'switch' }));
    expect(generic.result).toBe(1);
    await f.settings.setScriptSettings('f/ded/switch', { dedicated: true });
    await f.settings.setWorkerGroup('switch', { dedicatedWorker: 'f/ded/switch' });
    const ids = await f.queue.pushMany([1, 2, 3].map(() => ({ path: 'f/ded/switch' })));
    const results = await Promise.all(ids.map(async (id) => (await f.finished(id)).result as number));
    expect(Math.max(...results)).toBe(3); // warm: the counter rose
    expect((await f.queue.workers()).find((w) => w.group === 'switch')).toMatchObject({
      dedicatedScript: 'f/ded/switch',
      tags: ['dedicated:f/ded/switch'],
    });
  });
});
