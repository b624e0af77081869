// The peers the bench compares Millrace with, and a standalone runner for them.
//   node bench/peers/index.mjs [--jobs 2000] [--concurrency 10] [--work noop|cpu1ms|sleep100ms] [--only bullmq,pg-boss] [--quick]
// Writes bench/results/peers.json. Each peer gets its own database (or Redis prefix) and cleans up.
import { mkdir, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from '../lib/stats.mjs';
import * as bullmq from './bullmq.mjs';
import * as forLoop from './for-loop.mjs';
import * as graphileWorker from './graphile-worker.mjs';
import * as pgBoss from './pg-boss.mjs';

export const peers = { 'for-loop': forLoop, 'graphile-worker': graphileWorker, 'pg-boss': pgBoss, bullmq };

/** Runs the chosen peers one after another (never in parallel: they would share the CPUs). */
export async function runPeers({ only = Object.keys(peers), ...options } = {}) {
  const results = [];
  for (const name of only) {
    const peer = peers[name];
    const result = peer ? await peer.run(options) : { error: `unknown peer ${name}` };
    results.push({ peer: name, ...options, ...result });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string' },
      concurrency: { type: 'string', default: '10' },
      work: { type: 'string', default: 'noop' },
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
    },
  });
  const options = {
    jobs: Number(values.jobs ?? (values.quick ? 500 : 2000)),
    concurrency: Number(values.concurrency),
    work: values.work,
    quick: values.quick,
    only: values.only ? values.only.split(',') : undefined,
  };
  const results = await runPeers(options);
  console.log(`\npeers: ${options.jobs} ${options.work} jobs, concurrency ${options.concurrency}`);
  printTable(
    results.map((r) => ({
      peer: r.peer,
      'jobs/s': r.jobsPerSec ?? null,
      'p50 ms': r.p50LatencyMs ?? null,
      'p99 ms': r.p99LatencyMs ?? null,
      error: r.error ?? '',
    })),
  );
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(
    new URL('peers.json', dir),
    `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`,
  );
}
