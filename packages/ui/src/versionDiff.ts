// A line diff between two versions of a script (the `diff` library), shown with context lines.
import { diffLines } from 'diff';

export type DiffRow =
  | { kind: 'same' | 'added' | 'removed'; oldNo: number | null; newNo: number | null; text: string }
  | { kind: 'skip'; count: number };

export type VersionDiff = { rows: DiffRow[]; added: number; removed: number };

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Unified rows; runs of unchanged lines longer than 2 × `context` fold into one `skip` row. */
export function versionDiff(before: string, after: string, context = 3): VersionDiff {
  const all: Exclude<DiffRow, { kind: 'skip' }>[] = [];
  let oldNo = 1;
  let newNo = 1;
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    for (const text of splitLines(part.value)) {
      if (part.added) {
        all.push({ kind: 'added', oldNo: null, newNo: newNo++, text });
        added++;
      } else if (part.removed) {
        all.push({ kind: 'removed', oldNo: oldNo++, newNo: null, text });
        removed++;
      } else all.push({ kind: 'same', oldNo: oldNo++, newNo: newNo++, text });
    }
  }
  const near = all.map(() => false);
  all.forEach((row, i) => {
    if (row.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) near[j] = true;
  });
  const rows: DiffRow[] = [];
  for (let i = 0; i < all.length; ) {
    if (near[i]) {
      rows.push(all[i++]);
      continue;
    }
    let j = i;
    while (j < all.length && !near[j]) j++;
    rows.push({ kind: 'skip', count: j - i });
    i = j;
  }
  return { rows, added, removed };
}
