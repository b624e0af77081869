// A host of its own for calls that attack their host (isolation.test.ts): opens a process runner
// for the script in argv[2] (language in argv[3]), runs one call, prints its outcome as one JSON
// line, and lives on until stdin ends. Uses the built package.
import { openRunner } from '@millrace/dedicated-runner';

const runner = await openRunner({ content: process.argv[2], language: process.argv[3], runtime: 'process' });
const outcome = await runner.run({}, { timeoutMs: 20_000 }).then(
  (result) => ({ status: 'success', result }),
  (error) => ({ status: 'failure', error: error.message }),
);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.stdin.resume();
process.stdin.on('end', () => runner.close({ force: true }).then(() => process.exit(0)));
