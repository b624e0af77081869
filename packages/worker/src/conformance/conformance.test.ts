// Every executor against the one contract table (cases.ts): generic (a cold process per job, or a
// fresh python3), dedicated on the thread and on the process runtime, and in-host handlers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { contextFor, jobFor } from '../cold/test-support';
import { DedicatedExecutor, HandlerExecutor } from '../dedicated-executor';
import type { Executor } from '../executor';
import { GenericExecutor } from '../generic-executor';
import { type ContractCase, contractCases, type ExpectedOutcome } from './cases';

type Language = 'javascript' | 'python';

interface ExecutorKind {
  name: string;
  languages: Language[];
  /** runs one row's script (in `language`) with its args */
  run(c: ContractCase, language: Language): Promise<{ outcome: unknown; logs: string }>;
  close(): Promise<void>;
}

/** An executor that loads the script itself: the job carries the code. */
function scriptExecutor(name: string, executor: Executor, languages: Language[]): ExecutorKind {
  return {
    name,
    languages,
    async run(c, language) {
      const code = (language === 'python' ? c.python : c.script) as string;
      const { ctx, text } = contextFor();
      const outcome = await executor.run(jobFor(code, { language, args: c.args ?? {} }), ctx);
      return { outcome, logs: text() };
    },
    close: () => executor.close(),
  };
}

/** In-host handlers: the host imports the module itself and hands its main over as the handler. */
function handlerKind(): ExecutorKind {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-conformance-'));
  let n = 0;
  return {
    name: 'handlers',
    languages: ['javascript'],
    async run(c) {
      const file = join(dir, `case-${++n}.mjs`);
      writeFileSync(file, c.script as string);
      const { main } = await import(pathToFileURL(file).href);
      const executor = new HandlerExecutor({ 'f/test/script': main }, 1);
      try {
        const { ctx, text } = contextFor();
        const outcome = await executor.run(jobFor('', { language: 'handler', args: c.args ?? {} }), ctx);
        return { outcome, logs: text() };
      } finally {
        await executor.close();
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const kinds: Array<() => ExecutorKind> = [
  () => scriptExecutor('generic', new GenericExecutor({ concurrency: 1, env: {} }), ['javascript', 'python']),
  () =>
    scriptExecutor(
      'dedicated thread',
      new DedicatedExecutor({ concurrency: 1, env: {}, runtime: 'thread', threads: 1 }),
      ['javascript'],
    ),
  () =>
    scriptExecutor(
      'dedicated process',
      new DedicatedExecutor({ concurrency: 1, env: {}, runtime: 'process', threads: 1 }),
      ['javascript', 'python'],
    ),
  handlerKind,
];

/** What the JobOutcome must match for a row: exact on success, the named fields on failure. */
function expectOutcome(outcome: unknown, expected: ExpectedOutcome): void {
  if (expected.status === 'success') {
    expect(outcome).toEqual(expected);
    return;
  }
  const { message, ...error } = expected.error;
  expect(outcome).toMatchObject({
    status: 'failure',
    error: { ...error, message: typeof message === 'string' ? message : expect.stringMatching(message) },
    ...(expected.retryable === false ? { retryable: false } : {}),
  });
  if (expected.retryable === undefined) expect(outcome).not.toMatchObject({ retryable: false });
  if (expected.stack !== undefined)
    expect((outcome as { error: { stack?: string } }).error.stack).toContain(expected.stack);
}

for (const make of kinds) {
  const kind = make();
  afterAll(() => kind.close());
  for (const language of kind.languages) {
    const rows = contractCases.filter((c) =>
      language === 'python'
        ? c.python !== undefined
        : c.script !== undefined && !(kind.name === 'handlers' && c.loads),
    );
    describe(`${kind.name} executor, ${language}`, () => {
      test.each(rows.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const { outcome, logs } = await kind.run(c, language);
        expectOutcome(outcome, c.expect);
        if (c.logs !== undefined) expect(logs).toBe(c.logs);
      });
    });
  }
}
