import { expect, it } from 'vitest';
import { versionDiff } from './versionDiff';

const lines = (n: number, change?: [number, string]) =>
  `${Array.from({ length: n }, (_, i) => (change && change[0] === i ? change[1] : `line ${i}`)).join('\n')}\n`;

it('numbers the changed lines and folds the far unchanged ones', () => {
  const d = versionDiff(lines(20), lines(20, [10, 'changed']), 2);
  expect([d.added, d.removed]).toEqual([1, 1]);
  expect(d.rows[0]).toEqual({ kind: 'skip', count: 8 });
  expect(d.rows.filter((r) => r.kind !== 'skip' && r.kind !== 'same')).toEqual([
    { kind: 'removed', oldNo: 11, newNo: null, text: 'line 10' },
    { kind: 'added', oldNo: null, newNo: 11, text: 'changed' },
  ]);
  expect(d.rows.at(-1)).toEqual({ kind: 'skip', count: 7 });
});

it('shows an identical pair as one folded run', () => {
  expect(versionDiff('a\nb\n', 'a\nb\n', 0)).toEqual({
    rows: [{ kind: 'skip', count: 2 }],
    added: 0,
    removed: 0,
  });
});

it('counts appended lines, with or without a final newline', () => {
  const d = versionDiff('a\n', 'a\nb', 3);
  expect(d.added).toBe(1);
  expect(d.rows.map((r) => r.kind)).toEqual(['same', 'added']);
});
