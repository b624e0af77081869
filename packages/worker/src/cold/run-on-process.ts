// Runs one job on one cold process: hands it the script as soon as the process is ready, starts the
// job once it also has a slot, streams its output, enforces the timeout, honours cancel and forced
// close. Resolves once the job's answer and all its output are in, or, for a job that was stopped or
// crashed, once its process is gone.
import type { ExecutableJob, JobContext, JobOutcome } from '../executor';
import { type ColdProcess, PARK_MS } from './cold-process';
import { LogSink } from './log-sink';
import { failure, outcomeOf } from './outcome';
import type { SlotGrant } from './slots';
import type { StartGate } from './start-gate';

export interface RunLimits {
  maxResultBytes: number;
  maxLogBytes: number;
  killGraceMs: number;
  /** for a job that sets no timeout of its own */
  defaultTimeoutMs: number;
  memoryLimitMb?: number;
}

export function runOnProcess(
  proc: ColdProcess,
  job: ExecutableJob,
  ctx: JobContext,
  scriptPath: string,
  limits: RunLimits,
  forceClose: AbortSignal,
  /** the job's slot: granted already, or once a running job ends (the script loads meanwhile) */
  slot: Promise<SlotGrant>,
  /** starts are reported here; a job still without its slot loads only once they have begun */
  gate: StartGate,
): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const logs = new LogSink((text) => ctx.onLog(text), limits.maxLogBytes);
    let started = false;
    // Set when we decide to stop the job; it wins over whatever the dying process reports.
    let stoppedAs: JobOutcome | undefined;
    const stop = (outcome: JobOutcome) => {
      // A job that already answered has finished: its answer stands. (Before the job started, an
      // answer can only be forged by the script's top-level code: it stops nothing.)
      if (stoppedAs || (started && proc.reply)) return;
      stoppedAs = outcome;
      // a job not started yet has nothing to finish gracefully
      proc.terminate(started ? limits.killGraceMs : 0);
    };
    const onCancel = () => stop({ status: 'canceled' });
    const onForceClose = () =>
      stop(
        failure(
          'runtime_lost',
          `executor was closed with force ${started ? 'while the job ran' : 'before the job started'}`,
        ),
      );
    let timer: NodeJS.Timeout | undefined;

    proc.setKeepsHostAlive(true);
    proc.attachOutput((chunk) => logs.write(chunk));
    ctx.signal.addEventListener('abort', onCancel, { once: true });
    forceClose.addEventListener('abort', onForceClose, { once: true });
    if (ctx.signal.aborted) onCancel();
    if (forceClose.aborted) onForceClose();

    // The import (and the script's top-level code) runs once the process is ready, main only once
    // the job starts: a job waiting for a slot is ready to run the moment one frees
    // (docs/isolation.md), and it does not import while another job is starting (start-gate.ts) —
    // unless its slot comes first: a job whose top-level code never lets main begin holds nobody.
    const loaded = proc.ready
      .then(async (ready) => {
        // a job that has its slot already (an idle executor) loads at once: the race is over
        if (ready) await Promise.race([gate.calm(), slot]);
        return ready;
      })
      .then((ready) => {
        if (!ready || stoppedAs) return false;
        const error = proc.send({ type: 'load', scriptPath });
        if (error) stop(failure('crash', `could not hand the job to the process: ${error.message}`));
        return !error;
      });
    slot.then((grant) => {
      if (grant === 'aborted') onCancel();
      else if (grant === 'closed')
        stop(failure('runtime_lost', 'executor was closed before the job started'));
      else if (!stoppedAs) {
        // The timeout runs from the slot on, so a process that never gets ready is stopped too.
        const timeoutMs = job.timeoutMs ?? limits.defaultTimeoutMs;
        timer = setTimeout(() => stop(failure('timeout', `timed out after ${timeoutMs} ms`)), timeoutMs);
      }
    });
    Promise.all([loaded, slot]).then(([isLoaded, grant]) => {
      if (!isLoaded || grant !== 'acquired' || stoppedAs) return;
      // The job starts when its process is ready and it has a slot, not when it was handed here:
      // waiting for a fresh process is the cold start, which the timeline shows as the gap between two jobs.
      started = true;
      ctx.onStart?.(Date.now());
      const error = proc.send({
        type: 'run',
        args: job.args,
        maxResultBytes: limits.maxResultBytes,
        endMark: proc.endMark,
        parkMs: PARK_MS,
      });
      if (error) stop(failure('crash', `could not hand the job to the process: ${error.message}`));
      else gate.starting(proc.begun);
    });

    let settled = false;
    const settle = (outcome: JobOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onCancel);
      forceClose.removeEventListener('abort', onForceClose);
      logs.end();
      resolve(outcome);
    };
    proc.answered.then(() => {
      // A stopped job resolves only once its process is dead.
      if (stoppedAs) return;
      // Frozen before the outcome is out: none of its code runs once the job has ended.
      proc.retire(limits.killGraceMs);
      settle(outcomeOf(proc.reply, { code: 0, signal: null }, limits.memoryLimitMb));
    });
    proc.ended.then((end) => settle(stoppedAs ?? outcomeOf(proc.reply, end, limits.memoryLimitMb)));
  });
}
