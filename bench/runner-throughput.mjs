// Warm-runner throughput: noop calls/s per runtime, and per-call overhead on 100 ms calls.
// Build first: (cd packages/dedicated-runner && npx tsup), then: node bench/runner-throughput.mjs
// "sequential" awaits each call before the next (latency-bound); "pipelined" keeps WINDOW
// calls in flight, the way a worker feeds a batch of claimed jobs.
import { openRunner } from '@millrace/dedicated-runner';

const WINDOW = 256;
const noopScript = 'export async function main(args) { return { ok: true }; }';
const chattyScript =
  "export async function main(args) { console.log('hello', args.i); return { ok: true }; }";
const sleepScript =
  'export async function main() { const t = performance.now(); await new Promise((r) => setTimeout(r, 100)); return performance.now() - t; }';
const rows = [];

async function measure(label, n, call, window = label.includes('sequential') ? 1 : WINDOW) {
  for (let i = 0; i < Math.min(2000, n); i++) await call(i); // warm up
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) await call(next++);
  };
  await Promise.all(Array.from({ length: window }, lane));
  const ms = performance.now() - start;
  const row = {
    scenario: label,
    'calls/s': Math.round((n / ms) * 1000),
    'µs/call': +((ms * 1000) / n).toFixed(2),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

async function withRunner(options, body) {
  const runner = await openRunner(options);
  try {
    await body(runner);
  } finally {
    await runner.close();
  }
}

async function noop(label, options, n) {
  await withRunner(options, async (runner) => {
    await measure(`${label} sequential`, Math.min(n, 20_000), () => runner.run({}));
    await measure(`${label} pipelined`, n, () => runner.run({}));
  });
}

const main = async () => ({ ok: true });
await measure('for-loop sequential (await main() in-process)', 1_000_000, () => main({}));
await noop('inline', { handler: main }, 500_000);
await noop('inline captureConsole:false', { handler: main, captureConsole: false }, 500_000);
await noop('thread c=1', { content: noopScript, concurrency: 1, maxInFlightPerRuntime: WINDOW }, 200_000);
await noop('thread c=2', { content: noopScript, concurrency: 2, maxInFlightPerRuntime: WINDOW }, 200_000);
await withRunner({ content: noopScript }, (runner) =>
  measure('thread c=1, 4 in flight', 100_000, () => runner.run({}), 4),
);
await withRunner({ content: chattyScript, maxInFlightPerRuntime: WINDOW }, (runner) =>
  measure('thread c=1 pipelined, one console.log per call', 100_000, (i) =>
    runner.run({ i }, { onLog: () => {} }),
  ),
);
await noop(
  'process node c=1',
  { content: noopScript, runtime: 'process', maxInFlightPerRuntime: WINDOW },
  100_000,
);

{
  // The floor for one-at-a-time calls: a bare worker_threads postMessage ping-pong.
  const { Worker } = await import('node:worker_threads');
  const echo =
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));";
  const worker = new Worker(echo, { eval: true });
  const ping = () =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(1);
    });
  await measure('raw worker_threads ping-pong sequential (floor)', 20_000, ping);
  await worker.terminate();
}

try {
  const { Piscina } = await import('piscina');
  const { writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const taskUrl = new URL(`file://${tmpdir()}/millrace-bench-piscina-task.mjs`);
  writeFileSync(taskUrl, 'export default async () => ({ ok: true });');
  const pool = new Piscina({
    filename: taskUrl.href,
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: WINDOW,
  });
  await measure('piscina 5 c=1 sequential (reference)', 20_000, () => pool.run({}));
  await measure('piscina 5 c=1 pipelined (reference)', 200_000, () => pool.run({}));
  await pool.destroy();
} catch (error) {
  console.log(`piscina reference skipped: ${error.message}`);
}

// Overhead on 100 ms calls: "over 100 ms" includes the timer's own lateness (see the for-loop
// row); "hop" is wall time minus the time measured inside main, i.e. what the runner adds.
const sleepInside = () => {
  const t = performance.now();
  return new Promise((r) => setTimeout(() => r(performance.now() - t), 100));
};
const overhead = [];
for (const [label, options] of [
  ['for-loop', null],
  ['inline', { handler: sleepInside }],
  ['thread', { content: sleepScript }],
  ['process node', { content: sleepScript, runtime: 'process' }],
]) {
  const runner = options ? await openRunner(options) : { run: sleepInside, close: async () => {} };
  await runner.run({});
  const n = 30;
  const hops = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const inside = await runner.run({});
    hops.push(performance.now() - t - inside);
  }
  const perCall = (performance.now() - start) / n;
  hops.sort((a, b) => a - b);
  const row = {
    scenario: `${label} 100 ms calls, c=1`,
    'calls/s': +(1000 / perCall).toFixed(2),
    'over 100 ms, mean': +(perCall - 100).toFixed(3),
    'hop ms, median': +hops[n >> 1].toFixed(3),
  };
  overhead.push(row);
  console.log(JSON.stringify(row));
  await runner.close();
}

// The same with the next call already waiting (two in flight, one running): a busy runtime holds
// it and starts it the moment the running one ends (`lookahead`), as a worker's runtimes do.
for (const [label, options] of [
  ['inline, concurrency 1,', { handler: sleepInside, concurrency: 1 }],
  ['thread', { content: sleepScript, maxInFlightPerRuntime: 1 }],
  ['process node', { content: sleepScript, runtime: 'process', maxInFlightPerRuntime: 1 }],
]) {
  const runner = await openRunner(options);
  await runner.run({});
  const n = 30;
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next += 1;
      await runner.run({});
    }
  };
  await Promise.all([lane(), lane()]);
  const perCall = (performance.now() - start) / n;
  const row = {
    scenario: `${label} 100 ms calls, next one waiting`,
    'calls/s': +(1000 / perCall).toFixed(2),
    'over 100 ms, mean': +(perCall - 100).toFixed(3),
    'hop ms, median': '–',
  };
  overhead.push(row);
  console.log(JSON.stringify(row));
  await runner.close();
}

console.log(`\nNode ${process.version}, ${(await import('node:os')).cpus().length} CPUs`);
console.table(rows);
console.table(overhead);
