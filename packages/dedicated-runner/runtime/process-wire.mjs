// @ts-check
// The JSON-lines protocol of a process runtime (process-wrapper.mjs, and process_wrapper.py, which
// speaks the same lines), typed once for the host (src/process/) and the Node wrapper. One JSON
// object a line, both ways; hot lines are written by hand on both sides, in these shapes.

/**
 * Host → process: run main(args) as call `id` (with `ahead`, it may wait for a slot and is
 * reported 'started'), or drop a waiting call.
 * @typedef {{ id: number, args: unknown, ahead?: boolean } | { drop: number }} ProcessRequest
 */
/**
 * Process → host. 'started': when main began, epoch ms by the process's clock.
 * @typedef {{
 *   type: 'ready' | 'load-error' | 'result' | 'error' | 'log' | 'started' | 'dropped',
 *   id?: number,
 *   at?: number,
 *   result?: unknown,
 *   error?: import('./script-contract.mjs').ScriptErrorInfo,
 *   kind?: import('./script-contract.mjs').FailureKind,
 *   text?: string,
 * }} ProcessMessage
 */

export {};
