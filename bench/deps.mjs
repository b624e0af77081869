// Script dependencies (docs/dependencies.md): what a deploy with npm packages costs, and whether a
// script bundled with its packages starts and runs as fast as one without.
//
//   npx turbo run build --filter=@millrace/worker... && node bench/deps.mjs
//   BENCH_JOBS=40 BENCH_CALLS=50000 node bench/deps.mjs --json
//
// Deploys go to embedded PGlite with a fresh install cache (npm's own download cache stays as it
// is: say so when reporting). Jobs run on the cold executor (generic workers: a fresh process per
// job, one pre-started spare) and on a dedicated thread runtime, one call at a time, then
// pipelined, alternating the scripts so drift on a shared machine hits both alike.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '@millrace/db';
import { openRunner } from '@millrace/dedicated-runner';
import { Settings } from '@millrace/settings';
import { createColdExecutor } from '@millrace/worker';

const jobs = Number(process.env.BENCH_JOBS ?? 30);
const calls = Number(process.env.BENCH_CALLS ?? 30_000);
const rounds = 3;
const json = process.argv.includes('--json');

const SCRIPTS = {
  'no dependencies': 'export function main() { return 1000; }',
  'ms (1 small package)':
    "// millrace: deps ms@2.1.3\nimport ms from 'ms';\nexport function main() { return ms('1s'); }",
  'zod (a large package)':
    "// millrace: deps zod@4.6.7\nimport { z } from 'zod';\nconst n = z.number();\nexport function main() { return n.parse(1000); }",
};

const INLINED = 'ms pasted in (no dependency)';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = async (fn) => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

const cacheDir = await mkdtemp(join(tmpdir(), 'millrace-bench-deps-'));
const db = await openDb({});
const settings = new Settings(db, { dependencies: { cacheDir } });
const out = { deploy: {}, generic: {}, dedicated: {} };

try {
  // ---- deploy -----------------------------------------------------------------------------
  const code = {};
  for (const [name, content] of Object.entries(SCRIPTS)) {
    const slug = name.split(' ')[0].replace(/[^a-z]/g, '');
    const first = await timed(() => settings.deployScript({ path: `f/bench/${slug}`, content }));
    // the same dependency set, cached: another script (another path) using it
    const cached = [];
    for (let i = 0; i < 5; i++) {
      const r = await timed(() =>
        settings.deployScript({ path: `f/bench/${slug}_${i}`, content: `${content}\n// copy ${i}\n` }),
      );
      cached.push(r.ms);
    }
    code[name] = (await settings.getScript(`f/bench/${slug}`)).code;
    if (slug === 'ms') {
      // The same work with no dependency: ms's own source pasted into a script by hand.
      const source = await readFile(
        join(cacheDir, first.value.dependencies.lockHash, 'node_modules/ms/index.js'),
        'utf8',
      );
      const inlined = `const module = { exports: {} };\n${source}\nconst ms = module.exports;\nexport function main() { return ms('1s'); }`;
      await settings.deployScript({ path: 'f/bench/ms_inlined', content: inlined, language: 'javascript' });
      code[INLINED] = (await settings.getScript('f/bench/ms_inlined')).code;
    }
    out.deploy[name] = {
      firstMs: first.ms,
      cachedMedianMs: median(cached),
      cachedMaxMs: Math.max(...cached),
      bundleKiB: Buffer.byteLength(code[name]) / 1024,
      packages: first.value.dependencies?.packages.length ?? 0,
    };
  }
  {
    // a range asks the registry on every deploy, even with the set cached
    const ranged = SCRIPTS['ms (1 small package)'].replace('ms@2.1.3', 'ms@^2');
    await settings.deployScript({ path: 'f/bench/ranged', content: ranged });
    const again = await timed(() =>
      settings.deployScript({ path: 'f/bench/ranged_again', content: `${ranged}\n// again\n` }),
    );
    out.deploy['ms@^2, set cached (asks the registry)'] = { cachedMedianMs: again.ms };
  }

  // ---- generic: a fresh process per job ----------------------------------------------------
  const job = (name, i) => ({
    id: `b${i}`,
    path: 'f/bench/job',
    hash: name,
    language: 'javascript',
    code: code[name],
    args: {},
    attempt: 1,
    timeoutMs: 30_000,
  });
  const ctx = { onLog() {}, signal: new AbortController().signal, env: {} };
  // back to back: each job's process was pre-started while the previous job ran; spaced: each
  // job finds its process ready (300 ms apart), so what it pays is loading the script and main.
  for (const [mode, gapMs] of [
    ['back to back', 0],
    ['spaced, spare ready', 300],
  ]) {
    const perJob = Object.fromEntries(Object.keys(SCRIPTS).map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      for (const name of Object.keys(SCRIPTS)) {
        const executor = createColdExecutor({ concurrency: 1 });
        try {
          for (let i = 0; i < 3; i++) await executor.run(job(name, i), ctx);
          for (let i = 0; i < jobs; i++) {
            if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
            const r = await timed(() => executor.run(job(name, i), ctx));
            if (r.value.status !== 'success') throw new Error(`job failed: ${JSON.stringify(r.value)}`);
            perJob[name].push(r.ms);
          }
        } finally {
          await executor.close();
        }
      }
    }
    const base = median(perJob['no dependencies']);
    out.generic[mode] = {};
    for (const [name, xs] of Object.entries(perJob))
      out.generic[mode][name] = { medianMsPerJob: median(xs), ratio: median(xs) / base };
  }

  // ---- dedicated: a warm thread runtime ----------------------------------------------------
  // All runners open at once, short batches taken in turn, so the machine's drift hits all alike.
  const warm = [...Object.keys(SCRIPTS), INLINED];
  const rates = Object.fromEntries(warm.map((n) => [n, { sequential: [], pipelined: [] }]));
  const runners = {};
  for (const name of warm)
    runners[name] = await openRunner({ content: code[name], maxInFlightPerRuntime: 256 });
  try {
    for (const name of warm) await runners[name].run({});
    const batches = rounds * 4;
    const seq = Math.max(100, Math.floor(Math.min(calls, 10_000) / batches));
    const piped = Math.max(1000, Math.floor(calls / batches));
    for (let batch = 0; batch < batches; batch++) {
      for (const name of batch % 2 ? warm : [...warm].reverse()) {
        const runner = runners[name];
        let r = await timed(async () => {
          for (let i = 0; i < seq; i++) await runner.run({});
        });
        rates[name].sequential.push((seq / r.ms) * 1000);
        r = await timed(async () => {
          const pending = new Set();
          for (let i = 0; i < piped; i++) {
            const p = runner.run({}).finally(() => pending.delete(p));
            pending.add(p);
            if (pending.size >= 256) await Promise.race(pending);
          }
          await Promise.all(pending);
        });
        rates[name].pipelined.push((piped / r.ms) * 1000);
      }
    }
  } finally {
    await Promise.all(Object.values(runners).map((r) => r.close()));
  }
  // a script with a package against the same work without one (ms), or against returning a constant
  for (const [name, r] of Object.entries(rates)) {
    const base = rates[name.startsWith('ms (') ? INLINED : 'no dependencies'];
    out.dedicated[name] = {
      sequentialPerSec: median(r.sequential),
      pipelinedPerSec: median(r.pipelined),
      sequentialRatio: median(r.sequential) / median(base.sequential),
      pipelinedRatio: median(r.pipelined) / median(base.pipelined),
    };
  }
} finally {
  await db.close();
  await rm(cacheDir, { recursive: true, force: true });
}

if (json) {
  console.log(JSON.stringify(out, null, 2));
} else {
  const f = (x, d = 0) => (x === undefined ? '—' : x.toFixed(d));
  console.log(
    'deploy                                   first ms  cached ms (median/max)  bundle KiB  packages',
  );
  for (const [n, r] of Object.entries(out.deploy))
    console.log(
      `${n.padEnd(40)} ${f(r.firstMs).padStart(8)}  ${`${f(r.cachedMedianMs)} / ${f(r.cachedMaxMs)}`.padStart(22)}  ${f(r.bundleKiB, 1).padStart(10)}  ${String(r.packages ?? '—').padStart(8)}`,
    );
  for (const [mode, rows] of Object.entries(out.generic)) {
    console.log(`\ngeneric, ${mode} (${jobs} jobs x ${rounds} rounds)`.padEnd(41), 'ms/job median  vs none');
    for (const [n, r] of Object.entries(rows))
      console.log(`${n.padEnd(40)} ${f(r.medianMsPerJob, 1).padStart(13)}  ${f(r.ratio, 2).padStart(7)}x`);
  }
  console.log(
    `\ndedicated thread runtime (${rounds * 4} batches each) seq jobs/s  vs base  pipelined jobs/s  vs base`,
  );
  console.log('(base: ms pasted in for the ms script, else no dependencies)');
  for (const [n, r] of Object.entries(out.dedicated))
    console.log(
      `${n.padEnd(40)} ${f(r.sequentialPerSec).padStart(10)}  ${f(r.sequentialRatio, 2).padStart(6)}x  ${f(r.pipelinedPerSec).padStart(16)}  ${f(r.pipelinedRatio, 2).padStart(6)}x`,
    );
}
