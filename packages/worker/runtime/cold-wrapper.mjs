// Runs inside a fresh `node` process started by the cold executor, for exactly one job.
// It is shipped as plain JS (never bundled) so the child loads nothing but this file before the job:
// the executor may start it long before a job exists, and it waits for that one job on IPC.
//
// Protocol (IPC, JSON serialisation):
//   child  -> host  { type: 'ready' }
//   host   -> child { type: 'load', scriptPath }   import the script (its top-level code runs), not main
//   host   -> child { type: 'run', args, maxResultBytes, endMark, parkMs }   once the job has a slot: call main
//   (the host sends 'load' as soon as the job is handed over, 'run' when the job starts; a job that
//   waits for a slot is loaded meanwhile, so it starts with its script imported)
//   child  -> host  { type: 'started' }   main is being called (the host holds back other work until then)
//   child  -> host  { type: 'result', json } | { type: 'error', error } | { type: 'uncaught', error }
//   (just before that last message, endMark is written to stdout and stderr and both are closed:
//   the host cannot rely on end-of-file, which a PID namespace's `unshare` delays until exit)
//   After answering, the process parks for parkMs before it exits: the host freezes it and kills it
//   itself, so that its teardown does not land on the next job's start (docs/isolation.md).
// The result travels as a JSON string so its size is checked here, before it crosses the channel,
// and stdout/stderr stay the job's logs only. How main is found, how its result is encoded and how
// an error is described is the script contract every executor shares (docs/script-contract.md).
import { closeSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { encodeResult, errorInfo, loadMain } from '@millrace/dedicated-runner/runtime/script-contract.mjs';

// One pipe for both streams keeps console.log and console.error in the order the script wrote them
// (two pipes are read by the host in whatever order the kernel reports them).
process.stderr.write = process.stdout.write.bind(process.stdout);

let loaded;
let started = false;
let finishing = false;
let endMark;
let parkMs = 0;

// Flush the output first (stdout on a pipe can be asynchronous and process.exit() drops what is
// queued), then close it: the host sees end-of-output plus the answer and can finish the job
// without waiting the few milliseconds node takes to exit.
function finish(message, exitCode) {
  // The first answer wins: an uncaught error after main() returned must not send a second one.
  if (finishing) return;
  finishing = true;
  const answer = () => {
    for (const fd of [1, 2]) {
      try {
        if (endMark) writeSync(fd, endMark);
        closeSync(fd);
      } catch {
        // already closed by the script
      }
    }
    process.send(message, () => {
      // No JavaScript runs while parked; the host ends the process (the park is the fallback).
      if (parkMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, parkMs);
      process.exit(exitCode);
    });
  };
  // On Linux, writes to a pipe are synchronous: nothing is queued and a flush would cost a turn.
  if (process.stdout.writableLength === 0) answer();
  else process.stdout.write('', answer);
}

function onFatal(err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  finish({ type: 'uncaught', error: errorInfo(err) }, 1);
}

/** main, or the reply that says why the script cannot run */
async function load(scriptPath) {
  let main;
  try {
    main = await loadMain(pathToFileURL(scriptPath).href);
  } catch (failure) {
    main = failure;
  }
  if (typeof main === 'function') return main;
  // a script that cannot load (or has no main) will not load on a retry either
  return { type: 'error', error: { ...main.loadError, reason: 'thrown' }, retryable: false };
}

async function run({ args, maxResultBytes }) {
  const main = await loaded;
  if (typeof main !== 'function') return main;
  process.send({ type: 'started' });
  let value;
  try {
    value = await main(args);
  } catch (err) {
    return { type: 'error', error: { ...errorInfo(err), reason: 'thrown' } };
  }
  const encoded = encodeResult(value, maxResultBytes);
  if (encoded.json !== undefined) return { type: 'result', json: encoded.json };
  const reason = encoded.kind === 'too-large' ? 'result_too_large' : 'thrown';
  return { type: 'error', error: { ...encoded.error, reason } };
}

// In a PID namespace (docs/isolation.md) this process is the namespace's init, and the kernel drops
// every signal an init does not handle: a stop (SIGTERM) would do nothing until the SIGKILL. Do
// what the default would, unless the script handles SIGTERM itself.
if (process.pid === 1) {
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(143);
  });
}
// Started by hand (no IPC channel), it could never answer: say so instead of failing in a loop.
if (typeof process.send !== 'function') {
  console.error(
    'cold-wrapper.mjs runs only as a process started by the cold executor (it needs an IPC channel)',
  );
  process.exit(2);
}
process.on('uncaughtException', onFatal);
process.on('unhandledRejection', onFatal);
// The host went away (crashed or killed): never outlive it.
process.on('disconnect', () => process.exit(1));
process.on('message', (message) => {
  if (message?.type === 'load' && !loaded) loaded = load(message.scriptPath);
  if (started || message?.type !== 'run' || !loaded) return;
  started = true;
  endMark = message.endMark;
  parkMs = Number.isInteger(message.parkMs) && message.parkMs > 0 ? message.parkMs : 0;
  // From here on only the script's own work keeps the process alive: a main() whose promise can
  // never settle lets the process end instead of hanging until the timeout.
  process.channel?.unref();
  run(message).then((reply) => finish(reply, 0), onFatal);
});
process.send({ type: 'ready' });
