// @ts-check
// The wire protocol between the host (src/thread/thread-runtime.ts) and a worker thread
// (thread-worker.mjs), typed once for both sides. Messages are flat arrays for speed: one
// postMessage carries many calls or many answers.

/** What a thread sends back, the first element of each triple. */
export const THREAD_OUT = Object.freeze({
  /** payload: the text a call logged */
  log: /** @type {0} */ (0),
  /** payload: the result's JSON text */
  result: /** @type {1} */ (1),
  /** payload: a ThreadError */
  error: /** @type {2} */ (2),
  /** payload: when the call began, epoch ms (a call sent ahead) */
  started: /** @type {3} */ (3),
  /** payload: null; a waiting call was dropped as asked */
  dropped: /** @type {4} */ (4),
});

/** @typedef {typeof THREAD_OUT[keyof typeof THREAD_OUT]} ThreadOutType */
/** @typedef {import('./script-contract.mjs').ScriptErrorInfo & { kind: import('./script-contract.mjs').FailureKind }} ThreadError */
/**
 * Host → thread: `[id, args, ahead (1|0), id, args, ahead, …]` runs calls; `{ drop: id }` drops
 * a waiting one.
 * @typedef {unknown[] | { drop: number }} ThreadInbound
 */
/**
 * Thread → host: `[type, id, payload, …]` triples; `{ ready: true }` once the script is loaded,
 * `{ loadError }` when it cannot be.
 * @typedef {Array<ThreadOutType | number | string | ThreadError | null> | { ready: true } | { loadError: import('./script-contract.mjs').ScriptErrorInfo }} ThreadOutbound
 */
/**
 * What the thread is started with (workerData).
 * @typedef {{ scriptUrl: string, maxResultBytes: number, maxInFlight: number }} ThreadWorkerData
 */
