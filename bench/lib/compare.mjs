// `node bench/run.mjs --compare old.json[,new.json]`: ratios new ÷ old between two result files for
// every row both measured (new defaults to the file this mode would write). Prints only; runs nothing.
import { readFile } from 'node:fs/promises';
import { printTable, round } from './stats.mjs';

/** The comparable numbers of one result file: key → { what, value, busy }. */
export function comparable(result) {
  const out = new Map();
  const put = (key, what, value, busy) => value != null && out.set(key, { what, value, busy: !!busy });
  for (const r of result.rows ?? []) put(`matrix ${r.scenario} ${r.runner}`, 'jobs/s', r.jobsPerSec);
  for (const r of result.oneClock ?? []) {
    put(`one-clock N=${r.size} ${r.system}`, 'jobs/s', r.jobsPerSec, r.busy);
    put(`one-clock N=${r.size} ${r.system} start-up`, 'ms', r.startupMs, r.busy);
  }
  for (const r of result.openLoop ?? []) {
    put(`open loop ${r.system} ${r.rate}/s start p99`, 'ms', r.start?.p99, r.busy);
    put(`open loop ${r.system} ${r.rate}/s done p99`, 'ms', r.done?.p99, r.busy);
  }
  for (const l of result.latency ?? []) put(`latency ${l.runner} p50`, 'ms', l.p50LatencyMs);
  return out;
}

/** Rows `{ row, unit, old, new, 'new/old', note }` for every key in both results. */
export function compareResults(oldResult, newResult) {
  const a = comparable(oldResult);
  const b = comparable(newResult);
  const rows = [];
  for (const [key, o] of a) {
    const n = b.get(key);
    if (!n) continue;
    rows.push({
      row: key,
      unit: o.what,
      old: o.value,
      new: n.value,
      'new/old': o.value ? round(n.value / o.value, 3) : null,
      note: o.busy || n.busy ? 'busy machine in one run' : '',
    });
  }
  return rows;
}

export async function printComparison(oldPath, newPath) {
  const [oldResult, newResult] = await Promise.all(
    [oldPath, newPath].map(async (p) => JSON.parse(await readFile(p, 'utf8'))),
  );
  console.log(`${newPath} (${newResult.date}) ÷ ${oldPath} (${oldResult.date}):`);
  const rows = compareResults(oldResult, newResult);
  if (rows.length === 0) console.log('no row measured in both');
  printTable(rows);
  return rows;
}
