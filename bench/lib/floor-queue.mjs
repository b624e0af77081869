// The plain-SQL floor: the least a PostgreSQL queue can do per job on this machine.
// A minimal table, the simplest batched claim (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
// LOCKED LIMIT n) RETURNING) and a batched DELETE as the completion. No tags, priorities, tokens,
// history or notifications: Millrace's numbers are read against these.
import pg from 'pg';
import { drainUntilEmpty, pushInBatches } from './backlog.mjs';

const SCHEMA = `
DROP TABLE IF EXISTS floor_jobs;
CREATE TABLE floor_jobs (id bigserial PRIMARY KEY, payload jsonb NOT NULL, locked boolean NOT NULL DEFAULT false);`;

// Same input shape as Millrace's push (one JSON document per batch), so the two inserts compare.
const PUSH = `INSERT INTO floor_jobs (payload) SELECT value FROM json_array_elements($1::json)`;

export const FLOOR_CLAIM = `
UPDATE floor_jobs SET locked = true
WHERE id IN (SELECT id FROM floor_jobs WHERE NOT locked ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING id, payload`;

export const FLOOR_COMPLETE = `DELETE FROM floor_jobs WHERE id = ANY($1::bigint[])`;

/** Opens the floor queue on its own connection in database `url`. */
export async function openFloorQueue(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(SCHEMA);
  return {
    async reset() {
      await client.query('TRUNCATE floor_jobs');
    },
    /** Inserts `total` jobs in batches of `batch`; returns jobs/s. */
    async push(total, batch = 1000) {
      const jobsPerSec = await pushInBatches(total, batch, (first, n) => {
        const payload = JSON.stringify(Array.from({ length: n }, (_, k) => ({ i: first + k })));
        return client.query(PUSH, [payload]);
      });
      await client.query('ANALYZE floor_jobs');
      return jobsPerSec;
    },
    /** Claims `batch` at a time and deletes them, until the table is empty. */
    drain(batch) {
      return drainUntilEmpty(async () => {
        const { rows } = await client.query(FLOOR_CLAIM, [batch]);
        if (rows.length > 0) await client.query(FLOOR_COMPLETE, [rows.map((r) => r.id)]);
        return rows.length;
      });
    },
    close: () => client.end(),
  };
}
