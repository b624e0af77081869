import { isRowRefusal } from './write-errors';

/** A write stopped on an error that is not a row's fault; `unwritten` are the rows still to write. */
export class WriteInterrupted<T> {
  constructor(
    readonly unwritten: T[],
    readonly cause: unknown,
  ) {}
}

/**
 * Writes `rows` in one statement; when the database refuses the batch for the data of some row,
 * halves it (and halves again) until each refused row is alone, and hands that row to `refused`
 * — one bad row costs about 2·log2(n) statements, and every other row is written. Any other error
 * stops the write: it throws a WriteInterrupted with the rows not written yet (the written halves
 * are not written twice). A statement is all or nothing, so a refused batch wrote none of its rows.
 */
export async function writeSplitting<T>(
  rows: T[],
  write: (rows: T[]) => Promise<void>,
  refused: (row: T, err: unknown) => Promise<void>,
): Promise<void> {
  // parts still to write, the next one last
  const parts: T[][] = rows.length > 0 ? [rows] : [];
  while (parts.length > 0) {
    const part = parts[parts.length - 1];
    try {
      await write(part);
      parts.pop();
    } catch (err) {
      if (!isRowRefusal(err)) throw new WriteInterrupted(inOrder(parts), err);
      parts.pop();
      if (part.length === 1) {
        try {
          await refused(part[0], err);
        } catch (again) {
          throw new WriteInterrupted([part[0], ...inOrder(parts)], again);
        }
        continue;
      }
      const half = Math.ceil(part.length / 2);
      parts.push(part.slice(half), part.slice(0, half));
    }
  }
}

const inOrder = <T>(parts: T[][]): T[] => parts.toReversed().flat();
