// A throwaway PostgreSQL database per measurement: created on the server named by DATABASE_URL
// (default: the local trust-auth server) and dropped afterwards, so a bench never touches real data.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_SERVER_URL = 'postgres://root@127.0.0.1:5432/test';

/** The server URL the bench uses: DATABASE_URL when set, else the local default. */
export function serverUrl() {
  return process.env.DATABASE_URL || DEFAULT_SERVER_URL;
}

/**
 * Creates `millrace_bench_<prefix>_<random>` on the server `base` and returns `{ name, url, drop() }`,
 * a copy of the database `template` when given (one nobody is connected to).
 * `drop()` terminates leftover sessions (WITH (FORCE)) and never throws.
 */
export async function createBenchDatabase(prefix = 'q', base = serverUrl(), { template } = {}) {
  const name = `millrace_bench_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      try {
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch (err) {
        console.error(`warning: could not drop ${name}: ${err.message}`);
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}

/** Runs `fn(db)` with a fresh database that is dropped afterwards, whatever happens. */
export async function withBenchDatabase(prefix, base, fn) {
  const db = await createBenchDatabase(prefix, base);
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}
