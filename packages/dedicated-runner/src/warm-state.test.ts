import { describe, expect, test } from 'vitest';
import { openRunner } from './index';
import { checkNoLeaks } from './test-support';

checkNoLeaks();

const counter =
  'let calls = 0;\nexport async function main(args) { calls += 1; return { calls, echo: args }; }\n';

describe.each(['thread', 'process'] as const)('%s runtime', (runtime) => {
  test('imports the script once: a module-level counter rises 1, 2, 3 across calls', async () => {
    const runner = await openRunner({ content: counter, runtime });
    try {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await runner.run({ i }));
      expect(results).toEqual([
        { calls: 1, echo: { i: 0 } },
        { calls: 2, echo: { i: 1 } },
        { calls: 3, echo: { i: 2 } },
      ]);
    } finally {
      await runner.close();
    }
  });

  test('a script without main is a LoadError and openRunner rejects', async () => {
    await expect(openRunner({ content: 'export const x = 1;', runtime })).rejects.toMatchObject({
      name: 'LoadError',
      code: 'load_error',
      reason: 'load',
      message: 'the script exports no function named main',
      script: { name: 'MissingMainError' },
    });
  });

  test('a script that fails to import is a LoadError carrying the cause', async () => {
    await expect(openRunner({ content: 'export function main( {', runtime })).rejects.toMatchObject({
      name: 'LoadError',
      message: expect.stringMatching(/^the script failed to load: /),
    });
  });
});

test('scripts import relative to scriptDir: bare imports of node builtins work', async () => {
  const content =
    "import { createHash } from 'node:crypto';\nexport const main = (a) => createHash('sha1').update(a.s).digest('hex');";
  const runner = await openRunner({ content });
  try {
    expect(await runner.run({ s: 'x' })).toBe('11f6ad8ec52a2984abaafd7c3b516503785c2072');
  } finally {
    await runner.close();
  }
});

test('the runtime sees only the env it was given plus PATH/HOME basics', async () => {
  const content =
    'export const main = () => ({ mine: process.env.MINE ?? null, secret: process.env.SECRET_X ?? null });';
  process.env.SECRET_X = 'host-secret';
  try {
    for (const runtime of ['thread', 'process'] as const) {
      const runner = await openRunner({ content, runtime, env: { MINE: 'yes' } });
      expect(await runner.run({})).toEqual({ mine: 'yes', secret: null });
      await runner.close();
    }
  } finally {
    delete process.env.SECRET_X;
  }
});
