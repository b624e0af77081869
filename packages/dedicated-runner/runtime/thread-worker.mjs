// @ts-check
// Inside one worker thread: import the script once, run batches of calls, send results back
// batched — at once when no other call is running, else one postMessage per turn of the event
// loop, not one per call. Logs go out as they are written. The messages are typed in
// thread-wire.mjs. At most maxInFlight calls run (call-slots.mjs); a call sent `ahead` is reported
// 'started' when it starts; { drop: id } removes a call still waiting (reported 'dropped'); a
// started one is the host's to stop. A call's logs are always sent before its result. 'started'
// goes out before the call runs: a call that then blocks the thread must still have its timeout
// armed by the host.
import { parentPort as port, workerData } from 'node:worker_threads';
import { captureConsole, loadMain, runCall } from './call-core.mjs';
import { CallSlots } from './call-slots.mjs';
import { THREAD_OUT } from './thread-wire.mjs';

/** @typedef {import('./thread-wire.mjs').ThreadOutbound} ThreadOutbound */
/** @typedef {{ id: number, args: unknown }} WaitingCall */

const parentPort = /** @type {import('node:worker_threads').MessagePort} */ (port);
const { scriptUrl, maxResultBytes, maxInFlight } =
  /** @type {import('./thread-wire.mjs').ThreadWorkerData} */ (workerData);
/** @type {(message: ThreadOutbound) => void} */
const post = (message) => parentPort.postMessage(message);
/** @type {Exclude<ThreadOutbound, { ready: true } | { loadError: unknown }>} */
let outbox = [];
let flushQueued = false;
/** @type {import('./call-core.mjs').Main} */
let main;

/** @type {CallSlots<WaitingCall>} */
const slots = new CallSlots(maxInFlight, (next) => {
  // the result that freed the slot goes with this call's 'started', before it runs
  outbox.push(THREAD_OUT.started, next.id, Date.now());
  flush();
  runCall(main, next.id, next.args, maxResultBytes, onResult, onError);
});

function flush() {
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  post(batch);
}

function flushLater() {
  flushQueued = false;
  flush();
}

/**
 * @param {typeof THREAD_OUT.result | typeof THREAD_OUT.error} type
 * @param {number} id
 * @param {string | import('./thread-wire.mjs').ThreadError} payload
 */
function emit(type, id, payload) {
  outbox.push(type, id, payload);
  if (slots.release()) return;
  if (slots.running <= 0) {
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
captureConsole((id, text) => post([THREAD_OUT.log, id, text]));
/** @type {import('./call-core.mjs').OnResult} */
const onResult = (id, json) => emit(THREAD_OUT.result, id, json);
/** @type {import('./call-core.mjs').OnError} */
const onError = (id, error, kind) => emit(THREAD_OUT.error, id, { ...error, kind });

let loaded = false;
try {
  main = await loadMain(scriptUrl);
  loaded = true;
} catch (failure) {
  const loadError = /** @type {{ loadError?: import('./script-contract.mjs').ScriptErrorInfo }} */ (failure)
    .loadError ?? { name: 'Error', message: String(failure) };
  post({ loadError });
}

if (loaded) {
  parentPort.on('message', (/** @type {import('./thread-wire.mjs').ThreadInbound} */ message) => {
    if (!Array.isArray(message)) {
      const id = message.drop;
      if (slots.drop((call) => call.id === id)) post([THREAD_OUT.dropped, id, null]);
      return;
    }
    // Every call of the batch is admitted before any runs, so its synchronous calls go back together.
    /** @type {WaitingCall[]} */
    const starting = [];
    let announce = false;
    for (let i = 0; i < message.length; i += 3) {
      const call = { id: /** @type {number} */ (message[i]), args: message[i + 1] };
      if (!slots.admit(call)) continue;
      starting.push(call);
      if (message[i + 2] === 1) {
        outbox.push(THREAD_OUT.started, call.id, Date.now());
        announce = true;
      }
    }
    if (announce) flush();
    for (const call of starting) runCall(main, call.id, call.args, maxResultBytes, onResult, onError);
  });
  post({ ready: true });
}
