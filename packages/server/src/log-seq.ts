// Log chunks are keyed by (attempt, seq) with seq restarting at 0 for each attempt; the SSE stream
// needs one number that increases strictly per job (its event id and the `seq` clients resume
// from). Attempt n's chunk s becomes (n − 1) × 1e6 + s + 1: attempt 1 reads 1, 2, 3 … and a retry
// continues above it. A worker caps a job's log volume far below 1e6 chunks per attempt.

const PER_ATTEMPT = 1_000_000;

/** The highest stream seq a client may resume from: attempts are PostgreSQL integers. */
export const MAX_STREAM_SEQ = (2 ** 31 - 1) * PER_ATTEMPT;

export type ChunkPosition = { attempt: number; seq: number };

export function streamSeq(attempt: number, seq: number): number {
  return (Math.max(attempt, 1) - 1) * PER_ATTEMPT + seq + 1;
}

/** The last chunk a client has seen, as the queue's `logChunks({ after })` position. */
export function chunkPosition(streamSeqSeen: number): ChunkPosition | undefined {
  if (streamSeqSeen <= 0) return undefined;
  const n = streamSeqSeen - 1;
  return { attempt: Math.floor(n / PER_ATTEMPT) + 1, seq: n % PER_ATTEMPT };
}

/** Orders positions; `undefined` (before the first chunk) comes first. */
export function comparePositions(a: ChunkPosition | undefined, b: ChunkPosition | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a.attempt - b.attempt || a.seq - b.seq;
}
