// Child processes must not outlive the host: a script stuck in a sync loop never reads the
// stdin EOF that would stop it. On exit (normal, process.exit, uncaught error) the host
// SIGKILLs whatever is left; the wrappers also watch their parent (for a SIGKILLed host).
import type { ChildProcess } from 'node:child_process';
import { signalConfined } from './confine';

const live = new Set<ChildProcess>();
let hooked = false;

export function trackChild(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const running of live) signalConfined(running.pid, 'SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}
