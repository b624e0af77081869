// The cold-start executor for generic workers: every job runs in a fresh `node` process that is
// thrown away afterwards. Spares started ahead of time hide node's start-up from the job.
import { setMaxListeners } from 'node:events';
import type { Capacity, ExecutableJob, Executor, JobContext, JobOutcome } from '../executor';
import { ColdProcess } from './cold-process';
import { type ColdExecutorOptions, resolveColdOptions } from './options';
import { failure } from './outcome';
import { runOnProcess } from './run-on-process';
import { ScriptCache } from './script-cache';
import { type SlotGrant, Slots } from './slots';
import { SparePool } from './spare-pool';
import { StartGate } from './start-gate';
import { coldWrapperPath } from './wrapper-path';

/** Tells executors apart in capacity keys: two executors never share slots. */
let executorCount = 0;

export function createColdExecutor(options: ColdExecutorOptions): Executor {
  const opts = resolveColdOptions(options);
  const wrapperPath = coldWrapperPath();
  const cache = new ScriptCache(opts.cacheDir);
  const slots = new Slots(opts.concurrency);
  const live = new Set<ColdProcess>();
  const inFlight = new Set<Promise<JobOutcome>>();
  const forceClose = new AbortController();
  // one listener per running job and per job loading ahead (at most one per slot): node's default
  // warning at 10 would fire in the host at concurrency 10 with nothing leaking
  setMaxListeners(2 * opts.concurrency + 10, forceClose.signal);
  let closed = false;
  const capacityKey = `cold:${++executorCount}`;

  const startProcess = (env: Record<string, string>) => {
    const proc = new ColdProcess({
      nodePath: opts.nodePath,
      wrapperPath,
      env,
      memoryLimitMb: opts.memoryLimitMb,
      runAs: opts.runAs,
    });
    live.add(proc);
    proc.ended.then(() => live.delete(proc));
    return proc;
  };
  const spares = new SparePool(startProcess, opts.spares, opts.env, {
    afterFirstJob: opts.sparesAfterFirstJob,
  });

  // Jobs waiting for a slot with their process already taken and loading their script: at most one
  // per slot, so a caller that queues many jobs does not start a process for each.
  let loadingAhead = 0;
  const gate = new StartGate();

  async function runJob(job: ExecutableJob, ctx: JobContext): Promise<JobOutcome> {
    let scriptPath: string;
    try {
      scriptPath = await cache.pathFor(job.code);
    } catch (err) {
      return failure(
        'runtime_lost',
        `could not write the script to ${opts.cacheDir}: ${(err as Error).message}`,
      );
    }
    if (ctx.signal.aborted) return { status: 'canceled' };
    let slot: Promise<SlotGrant>;
    if (slots.tryAcquire()) slot = Promise.resolve('acquired');
    else if (loadingAhead < opts.concurrency) {
      loadingAhead++;
      slot = slots.acquire(ctx.signal).finally(() => loadingAhead--);
    } else {
      const grant = await slots.acquire(ctx.signal);
      if (grant === 'aborted') return { status: 'canceled' };
      if (grant === 'closed') return failure('runtime_lost', 'executor was closed before the job started');
      slot = Promise.resolve(grant);
    }
    try {
      return await runOnProcess(
        spares.take(ctx.env),
        job,
        ctx,
        scriptPath,
        opts,
        forceClose.signal,
        slot,
        gate,
      );
    } finally {
      // A job can end before its slot came (its process died while it waited): the slot passes on.
      slot.then((grant) => grant === 'acquired' && slots.release());
    }
  }

  return {
    run(job, ctx) {
      if (closed) return Promise.resolve(failure('runtime_lost', 'executor is closed'));
      // Last line of defence for the "never rejects" contract.
      const outcome = runJob(job, ctx).catch((err: unknown) =>
        failure('runtime_lost', `cold executor failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      inFlight.add(outcome);
      outcome.finally(() => inFlight.delete(outcome));
      return outcome;
    },

    /**
     * Any job: `concurrency` run at once, and one more per slot is held, its process taken and its
     * script loaded, to start the moment a slot frees.
     */
    capacity(): Capacity | undefined {
      if (closed) return undefined;
      return { key: capacityKey, runs: opts.concurrency, holds: 2 * opts.concurrency };
    },

    async close({ force = false } = {}) {
      closed = true;
      spares.close();
      if (force) {
        slots.close();
        forceClose.abort();
      }
      await Promise.all(inFlight);
      // Spares and killed jobs: wait until every process has really exited.
      await Promise.all([...live].map((proc) => proc.ended));
    },
  };
}
