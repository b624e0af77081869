// Inside one worker thread: import the script once, run batches of calls, send results and
// logs back batched — one postMessage per turn of the event loop, not one per call.
// Outbound: a flat array of triples [type, id, payload]; type 0 log, 1 result (JSON text),
// 2 error ({ name, message, stack, kind }). A call's logs are always sent before its result.
import { parentPort, workerData } from 'node:worker_threads';
import { captureConsole, loadMain, runCall } from './call-core.mjs';

const { scriptUrl, maxResultBytes } = workerData;
let outbox = [];
let flushQueued = false;

function flush() {
  flushQueued = false;
  const batch = outbox;
  outbox = [];
  parentPort.postMessage(batch);
}

function emit(type, id, payload) {
  outbox.push(type, id, payload);
  // setImmediate, not a microtask: every call of the batch that finishes without I/O is in by then.
  if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush);
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
    for (let i = 0; i < calls.length; i += 2)
      runCall(main, calls[i], calls[i + 1], maxResultBytes, onResult, onError);
  });
  parentPort.postMessage({ ready: true });
}
