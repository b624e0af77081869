// Inside one worker thread: import the script once, run batches of calls, send results back
// batched — at once when no other call is running, else one postMessage per turn of the event
// loop, not one per call. Logs go out as they are written.
// Outbound: a flat array of triples [type, id, payload]; type 0 log, 1 result (JSON text),
// 2 error ({ name, message, stack, kind }). A call's logs are always sent before its result.
import { parentPort, workerData } from 'node:worker_threads';
import { captureConsole, loadMain, runCall } from './call-core.mjs';

const { scriptUrl, maxResultBytes } = workerData;
let outbox = [];
let flushQueued = false;
// Calls received and not yet reported. When the last one settles no other result can join the
// batch, so it goes out at once: waiting for setImmediate would only delay the host (measured
// ~0.1 ms per call at one call at a time, the whole per-call budget of a fast job).
let unsettled = 0;

function flush() {
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  parentPort.postMessage(batch);
}

function flushLater() {
  flushQueued = false;
  flush();
}

function emit(type, id, payload) {
  outbox.push(type, id, payload);
  unsettled -= 1;
  if (unsettled <= 0) flush();
  // setImmediate, not a microtask: every call of the batch that finishes without I/O is in by then.
  else if (!flushQueued) {
    flushQueued = true;
    setImmediate(flushLater);
  }
}

// Logs go out at once, not with the next batch: a call that logs and then blocks the thread
// (a sync loop about to time out) must still show what it wrote.
captureConsole((id, text) => parentPort.postMessage([0, id, text]));
const onResult = (id, json) => emit(1, id, json);
const onError = (id, error, kind) => emit(2, id, { ...error, kind });

let main;
try {
  main = await loadMain(scriptUrl);
} catch (failure) {
  parentPort.postMessage({ loadError: failure.loadError ?? { name: 'Error', message: String(failure) } });
}

if (main !== undefined) {
  parentPort.on('message', (calls) => {
    // Counted for the whole batch first, so its synchronous calls go back together.
    unsettled += calls.length / 2;
    for (let i = 0; i < calls.length; i += 2)
      runCall(main, calls[i], calls[i + 1], maxResultBytes, onResult, onError);
  });
  parentPort.postMessage({ ready: true });
}
