import { describe, expect, test } from 'vitest';
import { openRunner, RunnerClosedError } from './index';
import { checkNoLeaks, waitFor } from './test-support';

checkNoLeaks();

const script = `
export async function main({ waitMs }) {
  console.log('started');
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return 'finished';
}`;

const pythonScript = `
import asyncio
async def main(args):
    print("started")
    await asyncio.sleep(args["waitMs"] / 1000)
    return "finished"
`;

const cases = [
  { name: 'thread', options: { content: script, runtime: 'thread' as const } },
  { name: 'process', options: { content: script, runtime: 'process' as const } },
  { name: 'python', options: { content: pythonScript, language: 'python' as const } },
];

describe.each(cases)('$name runtime', ({ options }) => {
  test('close() lets in-flight calls finish, then refuses new ones and leaves nothing running', async () => {
    const runner = await openRunner({ ...options, concurrency: 2 });
    let started = 0;
    const calls = Array.from({ length: 4 }, () =>
      runner.run({ waitMs: 100 }, { onLog: () => (started += 1) }),
    );
    await waitFor(() => started === 4, 'calls to start');
    await runner.close();
    expect(await Promise.all(calls)).toEqual(['finished', 'finished', 'finished', 'finished']);
    await expect(runner.run({ waitMs: 0 })).rejects.toBeInstanceOf(RunnerClosedError);
    await expect(runner.swap(options.content)).rejects.toBeInstanceOf(RunnerClosedError);
  });

  test('close({ force: true }) rejects in-flight and queued calls with RunnerClosedError', async () => {
    const runner = await openRunner({ ...options, maxInFlightPerRuntime: 1 });
    let started = false;
    const inFlight = runner.run({ waitMs: 60_000 }, { onLog: () => (started = true) });
    const queued = runner.run({ waitMs: 0 });
    await waitFor(() => started, 'the call to start');
    await runner.close({ force: true });
    await expect(inFlight).rejects.toMatchObject({ constructor: RunnerClosedError, reason: 'closed' });
    await expect(queued).rejects.toBeInstanceOf(RunnerClosedError);
  });
});
