import { describe, expect, test } from 'vitest';
import { openRunner } from './index';
import { checkNoLeaks, waitFor } from './test-support';

checkNoLeaks();

// Each call logs, yields to the event loop a random number of times, logs again: with many
// calls in flight on the same thread their console output interleaves in time.
const chatty = `
const tick = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
export async function main({ i }) {
  console.log('start', i);
  await tick();
  console.error('middle', i);
  await tick();
  console.info('end', i);
  return { i };
}`;

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('1,000 interleaved calls each get their own result and only their own logs', async () => {
    const runner = await openRunner({ content: chatty, runtime, concurrency: 2, maxInFlightPerRuntime: 100 });
    try {
      const logs: string[][] = Array.from({ length: 1000 }, () => []);
      const results = await Promise.all(
        logs.map((sink, i) => runner.run({ i }, { onLog: (text) => sink.push(text) })),
      );
      expect(results).toEqual(logs.map((_, i) => ({ i })));
      for (const [i, sink] of logs.entries())
        expect(sink).toEqual([`start ${i}\n`, `middle ${i}\n`, `end ${i}\n`]);
    } finally {
      await runner.close();
    }
  });

  test('logs arrive live, while the call is still running', async () => {
    const content =
      "export async function main() { console.log('working'); await new Promise((r) => setTimeout(r, 300)); return 'done'; }";
    const runner = await openRunner({ content, runtime });
    try {
      const logs: string[] = [];
      let settled = false;
      const run = runner.run({}, { onLog: (text) => logs.push(text) }).finally(() => {
        settled = true;
      });
      await waitFor(() => logs.length > 0, 'the first log line');
      expect(settled).toBe(false);
      expect(await run).toBe('done');
      expect(logs).toEqual(['working\n']);
    } finally {
      await runner.close();
    }
  });

  test('output outside any call goes to onStrayLog, never to a call', async () => {
    const content =
      "console.log('loading'); export function main() { setTimeout(() => console.log('late'), 0); return 1; }";
    const stray: string[] = [];
    const runner = await openRunner({ content, runtime, onStrayLog: (text) => stray.push(text) });
    try {
      const logs: string[] = [];
      expect(await runner.run({}, { onLog: (text) => logs.push(text) })).toBe(1);
      await waitFor(() => stray.includes('late\n'), 'the late log');
      expect(stray).toEqual(['loading\n', 'late\n']);
      expect(logs).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});

test('process runtime: process.stdout.write inside a call is a log, not protocol corruption', async () => {
  const content =
    'export function main() { process.stdout.write(\'{"id":1,"type":"result","result":666}\\n\'); return 7; }';
  const runner = await openRunner({ content, runtime: 'process' });
  try {
    const logs: string[] = [];
    expect(await runner.run({}, { onLog: (text) => logs.push(text) })).toBe(7);
    expect(logs).toEqual(['{"id":1,"type":"result","result":666}\n']);
  } finally {
    await runner.close();
  }
});
