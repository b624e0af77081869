// The entry point: check options once, pick the runtime, load the script, hand back a Runner.
import { InlineRunner } from './inline/inline-runner';
import type { Handler, RunnerOptions } from './options';
import { resolveOptions } from './options';
import { Pool } from './pool';
import { processRuntimeFactory } from './process/process-runtime';
import { PooledRunner, type Runner } from './runner';
import { threadRuntimeFactory } from './thread/thread-runtime';

/**
 * Opens a warm runner. Resolves once every thread or process has loaded the script;
 * rejects LoadError when it does not load (or exports no main).
 */
export async function openRunner<A = unknown, R = unknown>(
  options: RunnerOptions<A, R>,
): Promise<Runner<A, R>> {
  const resolved = resolveOptions(options as RunnerOptions);
  // the runners pass args and results through untouched: their types are the handler's (or the host's claim)
  if (resolved.runtime === 'inline') return typed(new InlineRunner(options.handler as Handler, resolved));
  const openPool = async (content: string): Promise<Pool> => {
    const factory =
      resolved.runtime === 'thread'
        ? await threadRuntimeFactory(content, resolved)
        : await processRuntimeFactory(content, resolved);
    const pool = new Pool(factory, {
      size: resolved.concurrency,
      maxInFlight: resolved.maxInFlightPerRuntime,
      lookahead: resolved.lookahead,
      backoff: resolved.backoff,
    });
    await pool.start();
    return pool;
  };
  const first = await openPool(options.content as string);
  return typed(new PooledRunner(resolved.runtime, openPool, first, resolved.timeoutMs));
}

const typed = <A, R>(runner: Runner): Runner<A, R> => runner as unknown as Runner<A, R>;
