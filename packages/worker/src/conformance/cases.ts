// The script contract as one table (docs/script-contract.md): each row a script and the outcome
// every executor must give it. A row with a `python` script holds for Python too; a row marked
// `loads` is about finding main or importing the script, which an in-host handler never does.
export interface ContractCase {
  name: string;
  /** a JavaScript module; `main` receives `args` (none: a Python-only row) */
  script?: string;
  /** the same row for Python, where it applies */
  python?: string;
  args?: Record<string, unknown>;
  /** the row is about loading the script: an in-host handler has nothing to load */
  loads?: boolean;
  expect: ExpectedOutcome;
  /** the job's logs, in order */
  logs?: string;
}

export type ExpectedOutcome =
  | { status: 'success'; result: unknown }
  | {
      status: 'failure';
      error: { name: string; message: string | RegExp; reason: 'thrown' | 'result_too_large' };
      /** the stack shows the error itself */
      stack?: string;
      /** false: a retry cannot help (the script itself is broken) */
      retryable?: false;
    };

const MAX_RESULT_BYTES = 10 * 1024 * 1024;
const missingMain = {
  name: 'MissingMainError',
  message: /^the script (exports|defines) no function named main$/,
};
const notJson = (message: RegExp) =>
  ({ status: 'failure', error: { name: 'ResultNotJsonError', message, reason: 'thrown' } }) as const;

export const contractCases: ContractCase[] = [
  // ── finding main ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'a named export main gets the args and its result is the job result',
    script: 'export function main(args) { return { sum: args.a + args.b, list: [1, "x", null] }; }',
    python: 'def main(args):\n    return {"sum": args["a"] + args["b"], "list": [1, "x", None]}\n',
    args: { a: 2, b: 3 },
    expect: { status: 'success', result: { sum: 5, list: [1, 'x', null] } },
  },
  {
    name: 'an async main (or a const arrow) is awaited',
    script: 'export const main = async (args) => ({ echo: args });',
    python: 'async def main(args):\n    return {"echo": args}\n',
    args: { nested: { deep: [true, 1.5, 'é'] } },
    expect: { status: 'success', result: { echo: { nested: { deep: [true, 1.5, 'é'] } } } },
  },
  {
    name: 'main may be exported under another name: export { run as main }',
    script: 'function run(args) { return args.n + 1; }\nexport { run as main };',
    args: { n: 41 },
    expect: { status: 'success', result: 42 },
  },
  {
    name: 'a default-exported object with main is not a script',
    script: 'export default { main() { return 42; } };',
    loads: true,
    expect: { status: 'failure', error: { ...missingMain, reason: 'thrown' }, retryable: false },
  },
  {
    name: 'a default-exported function is not a script',
    script: 'export default function main() { return 42; }',
    loads: true,
    expect: { status: 'failure', error: { ...missingMain, reason: 'thrown' }, retryable: false },
  },
  {
    name: 'a script without main fails for good with MissingMainError',
    script: 'export const notMain = 1;',
    python: 'not_main = 1\n',
    loads: true,
    expect: { status: 'failure', error: { ...missingMain, reason: 'thrown' }, retryable: false },
  },
  {
    name: 'a script that does not parse fails for good with its SyntaxError',
    script: 'export function main( {',
    python: 'def main(args:\n',
    loads: true,
    expect: {
      status: 'failure',
      error: { name: 'SyntaxError', message: /^the script failed to load: /, reason: 'thrown' },
      retryable: false,
    },
  },
  {
    name: 'a script that throws while loading fails for good with that error',
    script: 'throw new TypeError("boom at load");\nexport function main() { return 1; }',
    python: 'raise TypeError("boom at load")\ndef main(args):\n    return 1\n',
    loads: true,
    expect: {
      status: 'failure',
      error: { name: 'TypeError', message: 'the script failed to load: boom at load', reason: 'thrown' },
      retryable: false,
    },
  },
  // ── result out ────────────────────────────────────────────────────────────────────────────────
  {
    name: 'undefined (or None) is a null result',
    script: 'export function main() {}',
    python: 'def main(args):\n    pass\n',
    expect: { status: 'success', result: null },
  },
  {
    name: 'a returned function is not JSON',
    script: 'export function main() { return () => 1; }',
    python: 'def main(args):\n    return lambda: 1\n',
    expect: notJson(/^main returned /),
  },
  {
    name: 'a returned symbol is not JSON',
    script: 'export function main() { return Symbol("s"); }',
    expect: notJson(/^main returned a symbol, which is not JSON$/),
  },
  {
    name: 'a BigInt, at the top or inside, is not JSON',
    script: 'export function main(args) { return args.inside ? { n: 10n } : 10n; }',
    args: { inside: true },
    expect: notJson(/^main returned a value that is not JSON: /),
  },
  {
    name: 'NaN at the top is not JSON',
    script: 'export function main() { return NaN; }',
    python: 'def main(args):\n    return float("nan")\n',
    expect: notJson(/^main returned (NaN|nan), which is not JSON$/),
  },
  {
    name: 'non-finite numbers inside a result become null (as JSON.stringify makes them)',
    script: 'export function main() { return { x: NaN, y: [Infinity, 1] }; }',
    python: 'def main(args):\n    return {"x": float("nan"), "y": [float("inf"), 1]}\n',
    expect: { status: 'success', result: { x: null, y: [null, 1] } },
  },
  {
    name: 'a Date becomes its ISO string, at the top and inside',
    script: 'export function main() { return { at: new Date(0), list: [new Date(1000)] }; }',
    expect: {
      status: 'success',
      result: { at: '1970-01-01T00:00:00.000Z', list: ['1970-01-01T00:00:01.000Z'] },
    },
  },
  {
    name: 'functions and undefined inside a result are dropped from objects and null in arrays',
    script: 'export function main() { return { a: 1, f() {}, u: undefined, list: [undefined, () => 1] }; }',
    expect: { status: 'success', result: { a: 1, list: [null, null] } },
  },
  {
    name: 'a value Python cannot encode (a set) is not JSON',
    python: 'def main(args):\n    return {"s": {1, 2}}\n',
    expect: notJson(/^main returned a value that is not JSON: /),
  },
  {
    name: 'a cycle is not JSON',
    script: 'export function main() { const a = {}; a.self = a; return a; }',
    python: 'def main(args):\n    a = {}\n    a["self"] = a\n    return a\n',
    expect: notJson(/^main returned a value that is not JSON: /),
  },
  {
    name: 'a result over the size limit fails with ResultTooLargeError',
    script: `export function main() { return "y".repeat(${MAX_RESULT_BYTES}); }`,
    python: `def main(args):\n    return "y" * ${MAX_RESULT_BYTES}\n`,
    expect: {
      status: 'failure',
      error: {
        name: 'ResultTooLargeError',
        message: `the result is ${MAX_RESULT_BYTES + 2} bytes, over the limit of ${MAX_RESULT_BYTES}`,
        reason: 'result_too_large',
      },
    },
  },
  // ── errors ────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'a thrown Error keeps its name, message and stack',
    script: `class ChargeError extends Error { name = 'ChargeError'; }
      export async function main() { throw new ChargeError('card declined'); }`,
    python:
      'class ChargeError(Exception):\n    pass\n\nasync def main(args):\n    raise ChargeError("card declined")\n',
    expect: {
      status: 'failure',
      error: { name: 'ChargeError', message: 'card declined', reason: 'thrown' },
      stack: 'ChargeError',
    },
  },
  {
    name: 'a thrown string is an Error named Error whose message shows the value',
    script: 'export function main() { throw "plain string"; }',
    expect: {
      status: 'failure',
      error: { name: 'Error', message: "non-error thrown: 'plain string'", reason: 'thrown' },
    },
  },
  {
    name: 'a thrown object with a message keeps its name and message',
    script: 'export function main() { throw { name: "Declined", message: "no funds" }; }',
    expect: { status: 'failure', error: { name: 'Declined', message: 'no funds', reason: 'thrown' } },
  },
  {
    name: 'a thrown null is an Error that says so',
    script: 'export async function main() { throw null; }',
    expect: {
      status: 'failure',
      error: { name: 'Error', message: 'non-error thrown: null', reason: 'thrown' },
    },
  },
  // ── logs ──────────────────────────────────────────────────────────────────────────────────────
  {
    name: "console output is the job's log, in the order written, and never the result",
    script:
      'export function main() { console.log("one", 1); console.error("two"); console.warn("three"); return "r"; }',
    python:
      'import sys\n\ndef main(args):\n    print("one", 1)\n    print("two", file=sys.stderr)\n    print("three")\n    return "r"\n',
    expect: { status: 'success', result: 'r' },
    logs: 'one 1\ntwo\nthree\n',
  },
];
