import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, dumpPglite, migrations, openDb } from '@millrace/db';

export type DriverName = 'postgres' | 'pglite';

export interface TestDb {
  db: Db;
  driver: DriverName;
  /** PostgreSQL only: the URL of this test's own database (for a second connection or a child process) */
  url?: string;
  /** closes the handle and drops the database */
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.MILLRACE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** The drivers every integration suite runs on; `MILLRACE_TEST_DRIVERS=postgres` narrows it. */
export function testDrivers(): DriverName[] {
  const wanted = (process.env.MILLRACE_TEST_DRIVERS ?? 'postgres,pglite').split(',').map((s) => s.trim());
  return (['postgres', 'pglite'] as const).filter((d) => wanted.includes(d));
}

/** A fresh, migrated database of its own: a new PostgreSQL database, or a new PGlite instance. */
export async function openTestDb(
  driver: DriverName,
  { poolSize }: { poolSize?: number } = {},
): Promise<TestDb> {
  if (driver === 'pglite') {
    const db = await openDb({ loadDataDir: await pgliteTemplate() });
    return { db, driver, drop: () => db.close() };
  }
  const name = `millrace_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openDb({ url: ADMIN_URL, migrate: false, poolSize: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = withDatabase(ADMIN_URL, name);
  const db = await openDb({ url, poolSize });
  return {
    db,
    driver,
    url,
    async drop() {
      await db.close();
      const again = await openDb({ url: ADMIN_URL, migrate: false, poolSize: 1 });
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.close();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A migrated PGlite dump shared by every test file (initdb costs ~3 s, loading a dump ~0.4 s),
 * cached on disk per migration set; written to a temp name then renamed so parallel files agree.
 */
let template: Promise<Blob> | undefined;
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const key = createHash('sha1')
      .update(migrations.map((m) => m.sql).join('\n'))
      .digest('hex')
      .slice(0, 12);
    const file = join(tmpdir(), `millrace-pglite-template-${key}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch {
      const db = await openDb({});
      const dump = await dumpPglite(db);
      await db.close();
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
      await rename(tmp, file);
      return dump;
    }
  })();
  return template;
}
