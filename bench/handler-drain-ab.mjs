// Side by side: the in-host handler drain of bench/flow-control.mjs (no limits configured) in two
// builds, each with the worker's default cold spares and with none (`spares: 0`), runs interleaved
// (A B A' B' …) so the machine's drift falls on all four alike. It separates what the worker's spare
// cold processes cost a handler drain from everything else.
//
//   node bench/handler-drain-ab.mjs --old <built checkout> [--repetitions 7] [--jobs 40000]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { drainFree, loadCode } from './flow-control.mjs';
import { median } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    repetitions: { type: 'string', default: '7' },
    jobs: { type: 'string', default: '40000' },
  },
});
if (!values.old) {
  console.error('usage: node bench/handler-drain-ab.mjs --old <built checkout> [--repetitions N] [--jobs N]');
  process.exit(2);
}
const here = resolve(import.meta.dirname, '..');
const variants = {};
for (const [label, dir] of [
  ['old', resolve(values.old)],
  ['new', here],
]) {
  const code = await loadCode(dir);
  variants[label] = code;
  variants[`${label}, spares 0`] = { ...code, startWorker: (o) => code.startWorker({ ...o, spares: 0 }) };
}
const results = Object.fromEntries(Object.keys(variants).map((label) => [label, []]));
for (let rep = 1; rep <= Number(values.repetitions); rep++) {
  for (const [label, code] of Object.entries(variants)) {
    const jobsPerSec = await drainFree(code, { jobs: Number(values.jobs) });
    results[label].push(jobsPerSec);
    console.log(`repetition ${rep}, ${label}: ${jobsPerSec} jobs/s`);
  }
}
for (const [label, runs] of Object.entries(results)) console.log(`${label}: median ${median(runs)} jobs/s`);
