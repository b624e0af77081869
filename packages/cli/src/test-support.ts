import type { Io } from './io';
import { buildProgram } from './program';

export interface RunResult {
  out: string;
  err: string;
  /** the thrown error, if the command failed */
  error?: unknown;
}

/** Runs `millrace <args>` in-process with captured output and its own environment. */
export async function millrace(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    cwd: process.cwd(),
    untilStopped: () => Promise.resolve(),
  };
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
    return { out: out.join('\n'), err: err.join('\n') };
  } catch (error) {
    return { out: out.join('\n'), err: err.join('\n'), error };
  }
}
