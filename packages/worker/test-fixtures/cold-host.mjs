// A host of its own for jobs that attack their host (kill-parent.test.ts): runs the job given in
// argv[2] on a cold executor, prints its outcome as one JSON line, and lives on until stdin ends.
// Uses the built package.
import { createColdExecutor } from '@millrace/worker';

const executor = createColdExecutor({ concurrency: 1 });
const outcome = await executor.run(
  {
    id: 'hostile',
    path: 'f/test/hostile',
    hash: 'hostile',
    language: 'javascript',
    code: process.argv[2],
    args: {},
    attempt: 1,
    timeoutMs: 20_000,
  },
  { onLog: () => {}, signal: new AbortController().signal, env: {} },
);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.stdin.resume();
process.stdin.on('end', () => executor.close().then(() => process.exit(0)));
