import { expect, test } from 'vitest';
import {
  LoadError,
  openRunner,
  ResultNotJsonError,
  RunTimeoutError,
  RuntimeCrashedError,
  ScriptError,
} from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

const script = `
import asyncio
import sys

calls = 0
print("loading")  # outside any call: a stray log, not protocol

def bump():
    global calls
    calls += 1
    return calls

async def slow(i):
    print("start", i)
    await asyncio.sleep((i % 3) / 1000)
    print("end", i, file=sys.stderr)
    return {"i": i}

def main(args):
    kind = args.get("kind")
    if kind == "async":
        return slow(args["i"])
    if kind == "raise":
        raise ValueError("bad value")
    if kind == "set":
        return {1, 2}
    if kind == "noisy":
        print('{"id": 1, "type": "result", "result": 666}')
        sys.stdout.write("no newline")
    return {"calls": bump()}
`;

const asyncScript = `
import asyncio
async def main(args):
    await asyncio.sleep(0)
    print("async main", args["n"])
    return args["n"] * 2
`;

test('python: sync main keeps module state warm across calls', async () => {
  const runner = await openRunner({ language: 'python', content: script, onStrayLog: () => {} });
  try {
    expect(runner.runtime).toBe('process');
    expect([await runner.run({}), await runner.run({}), await runner.run({})]).toEqual([
      { calls: 1 },
      { calls: 2 },
      { calls: 3 },
    ]);
  } finally {
    await runner.close();
  }
});

test('python: async def main is awaited and print is captured per call', async () => {
  const runner = await openRunner({ language: 'python', content: asyncScript });
  try {
    const logs: string[] = [];
    expect(await runner.run({ n: 21 }, { onLog: (t) => logs.push(t) })).toBe(42);
    expect(logs).toEqual(['async main 21\n']);
  } finally {
    await runner.close();
  }
});

test('python: 300 interleaved async calls keep their own prints and results', async () => {
  const runner = await openRunner({
    language: 'python',
    content: script,
    concurrency: 2,
    onStrayLog: () => {},
  });
  try {
    const sinks: string[][] = Array.from({ length: 300 }, () => []);
    const results = await Promise.all(
      sinks.map((sink, i) => runner.run({ kind: 'async', i }, { onLog: (t) => sink.push(t) })),
    );
    expect(results).toEqual(sinks.map((_, i) => ({ i })));
    for (const [i, sink] of sinks.entries()) expect(sink.join('')).toBe(`start ${i}\nend ${i}\n`);
  } finally {
    await runner.close();
  }
});

test('python: an exception is a ScriptError with its type and traceback; the process serves on', async () => {
  const runner = await openRunner({ language: 'python', content: script, onStrayLog: () => {} });
  try {
    const error = await runner.run({ kind: 'raise' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect(error).toMatchObject({ errorName: 'ValueError', message: 'bad value' });
    expect((error as Error).stack).toContain('Traceback');
    await expect(runner.run({ kind: 'set' })).rejects.toBeInstanceOf(ResultNotJsonError);
    expect(await runner.run({})).toEqual({ calls: 1 });
  } finally {
    await runner.close();
  }
});

test('python: printing protocol-looking text cannot corrupt the channel', async () => {
  const stray: string[] = [];
  const runner = await openRunner({ language: 'python', content: script, onStrayLog: (t) => stray.push(t) });
  try {
    const logs: string[] = [];
    expect(await runner.run({ kind: 'noisy' }, { onLog: (t) => logs.push(t) })).toEqual({ calls: 1 });
    expect(logs.join('')).toBe('{"id": 1, "type": "result", "result": 666}\nno newline');
    expect(stray.join('')).toContain('loading\n');
  } finally {
    await runner.close();
  }
});

test('python: a script without main is a LoadError', async () => {
  await expect(openRunner({ language: 'python', content: 'x = 1\n' })).rejects.toBeInstanceOf(LoadError);
  await expect(openRunner({ language: 'python', content: 'def main(:\n' })).rejects.toThrow(
    /the script failed to load: .*SyntaxError|invalid syntax/,
  );
});

test('python: a stuck sync main times out, the process is replaced and serves the next call', async () => {
  const content =
    'calls = 0\ndef main(args):\n    global calls\n    calls += 1\n    while args.get("spin"):\n        pass\n    return calls\n';
  const runner = await openRunner({ language: 'python', content });
  try {
    expect(await runner.run({})).toBe(1);
    await expect(runner.run({ spin: true }, { timeoutMs: 300 })).rejects.toBeInstanceOf(RunTimeoutError);
    expect(await runner.run({})).toBe(1);
  } finally {
    await runner.close();
  }
});

test('python: sys.exit inside main crashes the call with RuntimeCrashedError; the runner restarts', async () => {
  const content =
    'import sys\ndef main(args):\n    if args.get("exit"):\n        sys.exit(4)\n    return "ok"\n';
  const runner = await openRunner({
    language: 'python',
    content,
    onStrayLog: () => {},
    restartBackoff: { initialMs: 10 },
  });
  try {
    const error = await runner.run({ exit: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeCrashedError);
    expect((error as Error).message).toBe('the process exited with code 4');
    expect(await runner.run({})).toBe('ok');
  } finally {
    await runner.close();
  }
});
