#!/usr/bin/env node
// `npm run chaos` (100,000 jobs) or `npm run chaos -- --quick` (a few thousand, for CI).
// Options: --jobs N --generic N --dedicated N --concurrency N --kill-every MS --keep --json FILE
// --no-hosts (no worker in a network namespace, no host partition)
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PRESETS, runChaos } from './chaos-run.mjs';
import { formatReport } from './report.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    generic: { type: 'string' },
    dedicated: { type: 'string' },
    concurrency: { type: 'string' },
    'kill-every': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-hosts': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const cfg = { ...(values.quick ? PRESETS.quick : PRESETS.full) };
if (values.jobs) cfg.jobs = Number(values.jobs);
if (values.generic) cfg.generic = Number(values.generic);
if (values.dedicated) cfg.dedicated = Number(values.dedicated);
if (values.concurrency) cfg.concurrency = Number(values.concurrency);
if (values['kill-every']) cfg.killEveryMs = Number(values['kill-every']);
cfg.keep = values.keep;
cfg.hosts = !values['no-hosts'];
cfg.log = (line) => process.stderr.write(`${line}\n`);

const report = await runChaos(cfg);
process.stdout.write(formatReport(report));
if (values.json) {
  const { log: _log, ...config } = report.config;
  await writeFile(values.json, JSON.stringify({ ...report, config }, null, 2));
}
process.exit(report.ok ? 0 : 1);
