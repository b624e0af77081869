// Node process runtime: `node process-wrapper.mjs <script>`; JSON lines on stdio (see
// src/process/protocol.ts). stdout carries only the protocol: whatever the script writes
// to stdout or console becomes a log message tagged with the call that wrote it.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { captureConsole, currentCallId, loadMain, runCall } from './call-core.mjs';

const scriptPath = process.argv[2];
const maxResultBytes = Number(process.env.MILLRACE_MAX_RESULT_BYTES) || 10 * 1024 * 1024;
const writeProtocol = process.stdout.write.bind(process.stdout);
let outbox = '';

function send(message) {
  if (outbox === '') setImmediate(flush);
  outbox += `${JSON.stringify(message)}\n`;
}

function flush() {
  if (outbox === '') return;
  const text = outbox;
  outbox = '';
  writeProtocol(text);
}

// Logs are written at once (a pipe write is synchronous on Linux), ahead of anything batched:
// a call that logs and then blocks must still show what it wrote.
function sendLog(id, text) {
  writeProtocol(`${JSON.stringify(id === 0 ? { type: 'log', text } : { id, type: 'log', text })}\n`);
}

captureConsole(sendLog);
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    sendLog(currentCallId(), typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(done);
    return true;
  };
}

// Orphan guard: if the host dies without closing us (SIGKILL), exit — from a thread, because
// a script stuck in a sync loop would never run a timer on the main one.
const hostPid = process.ppid;
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 1000);`,
  { eval: true, workerData: hostPid },
).unref();

let main;
try {
  main = await loadMain(pathToFileURL(scriptPath).href);
} catch (failure) {
  send({ type: 'load-error', error: failure.loadError ?? { name: 'Error', message: String(failure) } });
}

if (main !== undefined) {
  // Calls received and not yet reported. When the last one settles no other result can join the
  // batch, so it is written at once rather than on the next turn (setImmediate would only delay
  // the host, ~0.1 ms per call at one call at a time).
  let inFlight = 0;
  let stdinEnded = false;
  // The host closes stdin to stop us: exit once in-flight calls are reported, even if the
  // script left timers or sockets open.
  const maybeExit = () => {
    if (!stdinEnded || inFlight > 0) return;
    const text = outbox;
    outbox = '';
    writeProtocol(text, () => process.exit(0));
  };
  const settled = () => {
    inFlight -= 1;
    if (inFlight <= 0 && !stdinEnded) flush();
    maybeExit();
  };
  const onResult = (id, json) => {
    if (outbox === '') setImmediate(flush);
    outbox += `{"id":${id},"type":"result","result":${json}}\n`;
    settled();
  };
  const onError = (id, error, kind) => {
    send({ id, type: 'error', error, kind });
    settled();
  };
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    const text = pending + chunk;
    const requests = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      requests.push(JSON.parse(text.slice(start, end)));
      start = end + 1;
    }
    pending = text.slice(start);
    // Counted for the whole chunk first, so its synchronous calls go back in one write.
    inFlight += requests.length;
    for (const request of requests)
      runCall(main, request.id, request.args, maxResultBytes, onResult, onError);
  });
  process.stdin.on('end', () => {
    stdinEnded = true;
    maybeExit();
  });
  send({ type: 'ready' });
}
