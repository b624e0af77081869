// Inside one worker thread: import the script once, run batches of calls, send results back
// batched — at once when no other call is running, else one postMessage per turn of the event
// loop, not one per call. Logs go out as they are written.
// Inbound: a flat array of triples [id, args, ahead]. At most maxInFlight calls run; the rest wait
// here and start the moment one ends. A call sent `ahead` is reported 'started' when it starts.
// { drop: id } removes a call still waiting (reported 'dropped'); a started one is the host's to stop.
// Outbound: a flat array of triples [type, id, payload]; type 0 log, 1 result (JSON text),
// 2 error ({ name, message, stack, kind }), 3 started (epoch ms), 4 dropped. A call's logs are
// always sent before its result. 'started' goes out before the call runs: a call that then blocks
// the thread must still have its timeout armed by the host.
import { parentPort, workerData } from 'node:worker_threads';
import { captureConsole, loadMain, runCall, Slots } from './call-core.mjs';

const { scriptUrl, maxResultBytes, maxInFlight } = workerData;
const slots = new Slots(maxInFlight);
let outbox = [];
let flushQueued = false;
let main;

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
  const next = slots.release();
  if (next !== undefined) {
    // the result goes with the 'started' of the call taking its slot, before that call runs
    outbox.push(3, next.id, Date.now());
    flush();
    runCall(main, next.id, next.args, maxResultBytes, onResult, onError);
  } else if (slots.running <= 0) {
    // When the last call settles no other result can join the batch, so it goes out at once:
    // waiting for setImmediate would only delay the host (~0.1 ms per call at one at a time).
    flush();
  } else if (!flushQueued) {
    // setImmediate, not a microtask: every call of the batch that finishes without I/O is in by then.
    flushQueued = true;
    setImmediate(flushLater);
  }
}

// Logs go out at once, not with the next batch: a call that logs and then blocks the thread
// (a sync loop about to time out) must still show what it wrote.
captureConsole((id, text) => parentPort.postMessage([0, id, text]));
const onResult = (id, json) => emit(1, id, json);
const onError = (id, error, kind) => emit(2, id, { ...error, kind });

try {
  main = await loadMain(scriptUrl);
} catch (failure) {
  parentPort.postMessage({ loadError: failure.loadError ?? { name: 'Error', message: String(failure) } });
}

if (main !== undefined) {
  parentPort.on('message', (message) => {
    if (!Array.isArray(message)) {
      if (slots.drop(message.drop)) parentPort.postMessage([4, message.drop, null]);
      return;
    }
    // Every call of the batch is admitted before any runs, so its synchronous calls go back together.
    const starting = [];
    let announce = false;
    for (let i = 0; i < message.length; i += 3) {
      if (!slots.admit(message[i], message[i + 1])) continue;
      starting.push(message[i], message[i + 1]);
      if (message[i + 2] === 1) {
        outbox.push(3, message[i], Date.now());
        announce = true;
      }
    }
    if (announce) flush();
    for (let i = 0; i < starting.length; i += 2)
      runCall(main, starting[i], starting[i + 1], maxResultBytes, onResult, onError);
  });
  parentPort.postMessage({ ready: true });
}
