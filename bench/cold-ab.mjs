// Side by side: the generic (cold-start) rows of two builds in the same run, interleaved A B A B …
// so that a shared machine's load falls on both alike. Each round runs the same bench/run.mjs
// command in each tree; the table shows medians and the spread (min–max) over the rounds.
//
//   node bench/cold-ab.mjs --base /work/wt/cold-base [--rounds 3] [--jobs N] [--json results/cold-start.json]
//
// `--base` is another worktree of this repository, built (`npx turbo run build`), e.g. main.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSpread, spread } from './lib/stats.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flags = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = flags.indexOf(name);
  return at === -1 ? fallback : flags[at + 1];
};
const base = flag('--base');
if (!base) {
  console.error(
    'usage: node bench/cold-ab.mjs --base <built worktree> [--rounds N] [--jobs N] [--json FILE]',
  );
  process.exit(2);
}
const rounds = Number(flag('--rounds', 3));
const jobs = flag('--jobs');
const trees = [
  { label: 'base', dir: resolve(base) },
  { label: 'this', dir: here },
];
const scenarios = ['noop-c1', 'sleep100ms-c1'];
const command = [
  'bench/run.mjs',
  '--scenario',
  scenarios.join(','),
  '--runner',
  'generic',
  '--no-peers',
  '--repeats',
  '1',
  '--no-micro',
  '--no-latency',
  ...(jobs ? ['--jobs', jobs] : []),
];

/** Flags only newer trees know: the one-clock and open-loop sections, which this comparison never reads. */
const skipNewSections = (dir) =>
  readFileSync(join(dir, 'bench', 'run.mjs'), 'utf8').includes("'no-one-clock'")
    ? ['--no-one-clock', '--no-open-loop']
    : [];

const results = { base: [], this: [] };
const loads = [];
for (let round = 1; round <= rounds; round++) {
  for (const tree of trees) {
    const out = `cold-ab-${tree.label}-${process.pid}`;
    loads.push(loadavg()[0]);
    const run = spawnSync(process.execPath, [...command, ...skipNewSections(tree.dir), '--out', out], {
      cwd: tree.dir,
      stdio: 'ignore',
    });
    if (run.status !== 0) throw new Error(`bench failed in ${tree.dir} (exit ${run.status})`);
    const file = join(tree.dir, 'bench', 'results', out);
    const report = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    for (const ext of ['json', 'md', 'svg', 'month.svg']) rmSync(`${file}.${ext}`, { force: true });
    const row = (scenario) => report.rows.find((r) => r.scenario === scenario && r.runner === 'generic');
    const got = Object.fromEntries(
      scenarios.map((s) => [s, { jobsPerSec: row(s).jobsPerSec, overheadMs: row(s).overheadMs }]),
    );
    results[tree.label].push(got);
    console.log(`round ${round} ${tree.label}: ${JSON.stringify(got)}`);
  }
}

const cell = (label, scenario, key) => spread(results[label].map((r) => r[scenario][key]));
const lines = ['| row | base (main) | this branch | this / base |', '|---|---:|---:|---:|'];
for (const scenario of scenarios) {
  for (const key of ['jobsPerSec', 'overheadMs']) {
    const a = cell('base', scenario, key);
    const b = cell('this', scenario, key);
    lines.push(
      `| generic ${scenario} ${key === 'jobsPerSec' ? 'jobs/s' : 'overhead ms'} | ${formatSpread(a)} | ${formatSpread(b)} | ${(b.median / a.median).toFixed(2)}× |`,
    );
  }
}
console.log(
  `\n${rounds} rounds, interleaved; load average (1 min) at each run: ${loads.map((l) => l.toFixed(1)).join(', ')}`,
);
console.log(`command in each tree: node ${command.join(' ')}\n`);
console.log(lines.join('\n'));
const json = flag('--json');
if (json)
  writeFileSync(
    json,
    `${JSON.stringify({ date: new Date().toISOString(), command, rounds, loads, results }, null, 2)}\n`,
  );
