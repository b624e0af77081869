// Calls sent ahead: a busy runtime holds the next call and starts it itself the moment its slot
// frees. Start times, timeouts, cancel and crashes must all treat such a call as not yet running.
import { describe, expect, test } from 'vitest';
import { openRunner, RunCanceledError, type RunnerOptions } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

// Each call logs when it begins and ends, and says whether another call was running beside it.
const javascript = `
let calls = 0;
let active = 0;
export async function main({ mode, ms = 0 }) {
  calls += 1;
  active += 1;
  const call = calls;
  const overlapped = active > 1;
  console.log('begin ' + call);
  await new Promise((resolve) => setTimeout(resolve, ms));
  if (mode === 'exit') process.exit(1);
  console.log('end ' + call);
  active -= 1;
  return { calls: call, overlapped };
}`;

const python = `
import asyncio, os
calls = 0
active = 0

async def main(args):
    global calls, active
    calls += 1
    active += 1
    call = calls
    overlapped = active > 1
    print("begin %d" % call)
    await asyncio.sleep(args.get("ms", 0) / 1000)
    if args.get("mode") == "exit":
        os._exit(1)
    print("end %d" % call)
    active -= 1
    return {"calls": call, "overlapped": overlapped}
`;

const runtimes: [string, RunnerOptions][] = [
  ['thread', { content: javascript, runtime: 'thread' }],
  ['process', { content: javascript, runtime: 'process' }],
  ['python process', { content: python, language: 'python' }],
];

interface Run {
  calls: number;
  overlapped: boolean;
}

describe.each(runtimes)('%s runtime', (_name, options) => {
  const open = () => openRunner({ ...options, maxInFlightPerRuntime: 1 });

  test('the next call starts in the runtime right after the running one, never beside it', async () => {
    const runner = await open();
    try {
      // what the host heard, in the order it heard it: onStart, and each call's own log lines
      const heard: string[] = [];
      const runs = (await Promise.all(
        [0, 1, 2].map((i) =>
          runner.run(
            { ms: 60 },
            {
              onStart: () => heard.push(`onStart ${i + 1}`),
              onLog: (text) => heard.push(text.trim()),
            },
          ),
        ),
      )) as Run[];
      expect(runs).toEqual([1, 2, 3].map((calls) => ({ calls, overlapped: false }))); // one warm module, in order
      // onStart tells when each call really began, not when it was handed over: after the call
      // before it ended, and before its own first line
      expect(heard).toEqual([
        'onStart 1',
        'begin 1',
        'end 1',
        'onStart 2',
        'begin 2',
        'end 2',
        'onStart 3',
        'begin 3',
        'end 3',
      ]);
    } finally {
      await runner.close();
    }
  });

  test("a call's timeout counts from its start, not from its wait for the busy slot", async () => {
    const runner = await open();
    try {
      const busy = runner.run({ ms: 400 });
      const next = runner.run({ ms: 20 }, { timeoutMs: 300 });
      expect(((await busy) as Run).calls).toBe(1);
      expect(((await next) as Run).calls).toBe(2);
    } finally {
      await runner.close();
    }
  });

  test('canceling a call still waiting drops it: it never runs and the runtime is kept', async () => {
    const runner = await open();
    try {
      const busy = runner.run({ ms: 300 });
      const controller = new AbortController();
      const waiting = runner.run({}, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 50)); // it has reached the runtime
      controller.abort();
      await expect(waiting).rejects.toBeInstanceOf(RunCanceledError);
      expect(((await busy) as Run).calls).toBe(1);
      // same module, and the dropped call never ran: the counter went from 1 to 2
      expect(((await runner.run({})) as Run).calls).toBe(2);
    } finally {
      await runner.close();
    }
  });

  test('a call waiting in a runtime that dies runs on its replacement instead of failing', async () => {
    const runner = await open();
    try {
      const dying = runner.run({ mode: 'exit', ms: 100 }).catch((error: unknown) => error);
      const waiting = runner.run({});
      expect(((await waiting) as Run).calls).toBe(1); // a fresh module ran it
      expect(await dying).toMatchObject({ name: 'RuntimeCrashedError' });
    } finally {
      await runner.close();
    }
  });
});

test('a held call moves to another runtime that frees up first, instead of waiting for its own', async () => {
  const runner = await openRunner({ content: javascript, concurrency: 2, maxInFlightPerRuntime: 1 });
  try {
    const settled: string[] = [];
    const track = (name: string, call: Promise<unknown>) =>
      call.then((run) => {
        settled.push(name);
        return run as Run;
      });
    const long = track('long', runner.run({ ms: 1000 }));
    const short = track('short', runner.run({ ms: 50 }));
    const held = track('held', runner.run({})); // both runtimes busy: held ahead by one of them
    const [, shortRun, heldRun] = await Promise.all([long, short, held]);
    // it ran right after the short call, in the short call's runtime (its second call), while the
    // long call still ran
    expect(settled).toEqual(['short', 'held', 'long']);
    expect(heldRun.calls).toBe(2);
    expect(shortRun.calls).toBe(1);
  } finally {
    await runner.close();
  }
});

test('lookahead 0 keeps calls on the host until a slot frees', async () => {
  const runner = await openRunner({ content: javascript, maxInFlightPerRuntime: 1, lookahead: 0 });
  try {
    const dying = runner.run({ mode: 'exit', ms: 50 }).catch((error: unknown) => error);
    const waiting = runner.run({});
    expect(await dying).toMatchObject({ name: 'RuntimeCrashedError' });
    expect(((await waiting) as Run).calls).toBe(1);
  } finally {
    await runner.close();
  }
});

test('lookahead must be an integer ≥ 0', async () => {
  await expect(openRunner({ content: javascript, lookahead: -1 })).rejects.toThrow(
    'lookahead must be an integer ≥ 0, got -1',
  );
});
