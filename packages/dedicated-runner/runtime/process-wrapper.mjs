// @ts-check
// Node process runtime: `node process-wrapper.mjs <script>`; JSON lines on stdio (see
// src/process/protocol.ts). stdout carries only the protocol: whatever the script writes
// to stdout or console becomes a log message tagged with the call that wrote it.
// At most MILLRACE_MAX_IN_FLIGHT calls run (call-slots.mjs); the rest wait here and start the
// moment one ends.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { captureConsole, currentCallId, loadMain, runCall } from './call-core.mjs';
import { CallSlots } from './call-slots.mjs';

/** @typedef {Exclude<import('./process-wire.mjs').ProcessRequest, { drop: number }>} CallRequest */

const scriptPath = /** @type {string} */ (process.argv[2]);
const maxResultBytes = Number(process.env.MILLRACE_MAX_RESULT_BYTES) || 10 * 1024 * 1024;
const writeProtocol = process.stdout.write.bind(process.stdout);
let outbox = '';
let flushQueued = false;
/** @type {import('./call-core.mjs').Main} */
let main;
/** @type {import('./call-core.mjs').OnResult} */
let onResult = () => {};
/** @type {import('./call-core.mjs').OnError} */
let onError = () => {};

/** @type {CallSlots<CallRequest>} */
const slots = new CallSlots(Number(process.env.MILLRACE_MAX_IN_FLIGHT) || 32, (next) => {
  // its 'started' goes out with the result that freed the slot, before it runs (a call that
  // blocks must still have its timeout armed by the host)
  outbox += `{"id":${next.id},"type":"started","at":${Date.now()}}\n`;
  flush();
  runCall(main, next.id, next.args, maxResultBytes, onResult, onError);
});

/** @param {import('./process-wire.mjs').ProcessMessage} message */
function send(message) {
  outbox += `${JSON.stringify(message)}\n`;
  flushSoon();
}

function flush() {
  if (outbox === '') return;
  const text = outbox;
  outbox = '';
  writeProtocol(text);
}

/** One write per turn of the event loop: everything that settles without I/O goes together. */
function flushSoon() {
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(() => {
    flushQueued = false;
    flush();
  });
}

// Logs are written at once (a pipe write is synchronous on Linux), ahead of anything batched:
// a call that logs and then blocks must still show what it wrote.
/**
 * @param {number} id
 * @param {string} text
 */
function sendLog(id, text) {
  writeProtocol(`${JSON.stringify(id === 0 ? { type: 'log', text } : { id, type: 'log', text })}\n`);
}

captureConsole(sendLog);
for (const stream of [process.stdout, process.stderr]) {
  /** @type {any} */ (stream).write = (
    /** @type {string | Uint8Array} */ chunk,
    /** @type {unknown} */ encoding,
    /** @type {unknown} */ callback,
  ) => {
    sendLog(currentCallId(), typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(/** @type {() => void} */ (done));
    return true;
  };
}

// In a PID namespace (docs/isolation.md) this process is the namespace's init, and the kernel drops
// every signal an init does not handle: SIGTERM would do nothing. Do what the default would, unless
// the script handles SIGTERM itself.
if (process.pid === 1) {
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(143);
  });
}

// Orphan guard: if the host dies without closing us (SIGKILL), exit — from a thread, because a
// script stuck in a sync loop would never run a timer on the main one. (In a PID namespace the
// parent is always 0 here; the parent-death signal set by the host does this job instead.)
const hostPid = process.ppid;
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 1000);`,
  { eval: true, workerData: hostPid },
).unref();

let loaded = false;
try {
  main = await loadMain(pathToFileURL(scriptPath).href);
  loaded = true;
} catch (failure) {
  const error = /** @type {{ loadError?: import('./script-contract.mjs').ScriptErrorInfo }} */ (failure)
    .loadError ?? {
    name: 'Error',
    message: String(failure),
  };
  send({ type: 'load-error', error });
}

if (loaded) {
  let stdinEnded = false;
  // The host closes stdin to stop us: exit once every call is reported, even if the script left
  // timers or sockets open.
  const maybeExit = () => {
    if (!stdinEnded || slots.running > 0) return;
    const text = outbox;
    outbox = '';
    writeProtocol(text, () => process.exit(0));
  };
  const settled = () => {
    if (slots.release()) return;
    // When the last call settles no other result can join the batch, so it is written at once
    // rather than on the next turn (setImmediate would only delay the host, ~0.1 ms a call).
    if (slots.running <= 0 && !stdinEnded) flush();
    else flushSoon();
    maybeExit();
  };
  onResult = (id, json) => {
    outbox += `{"id":${id},"type":"result","result":${json}}\n`;
    settled();
  };
  onError = (id, error, kind) => {
    outbox += `${JSON.stringify({ id, type: 'error', error, kind })}\n`;
    settled();
  };
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (/** @type {string} */ chunk) => {
    const text = pending + chunk;
    /** @type {CallRequest[]} */
    const starting = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const request = /** @type {import('./process-wire.mjs').ProcessRequest} */ (
        JSON.parse(text.slice(start, end))
      );
      start = end + 1;
      if ('drop' in request) {
        const id = request.drop;
        if (slots.drop((call) => call.id === id)) send({ id, type: 'dropped' });
      } else if (slots.admit(request)) {
        starting.push(request);
        if (request.ahead) outbox += `{"id":${request.id},"type":"started","at":${Date.now()}}\n`;
      }
    }
    pending = text.slice(start);
    // Every request of the chunk is admitted before any runs, so its synchronous calls go back in one write.
    flush();
    for (const request of starting)
      runCall(main, request.id, request.args, maxResultBytes, onResult, onError);
  });
  process.stdin.on('end', () => {
    stdinEnded = true;
    maybeExit();
  });
  send({ type: 'ready' });
}
