import { readFileSync } from 'node:fs';
import { openDb } from '@millrace/db';

const src = readFileSync('packages/queue/src/sql/read-jobs.ts', 'utf8');
const cols = /const JOB_COLUMNS = `([\s\S]*?)`;/.exec(src)[1];
const rowOf = (table, alias, key, id) =>
  `LATERAL (SELECT * FROM millrace.${table} ${alias} WHERE ${alias}.${key} = ${id} OFFSET 0) ${alias}`;
const fin = /const finished = \(extra: string, c: 'c' \| 'j'\) => `([\s\S]*?)`;/.exec(src)[1];
const sql = fin
  .replace('${JOB_COLUMNS}', cols)
  .replace("${rowOf('jobs', 'j', 'id', 'c.id')}", rowOf('jobs', 'j', 'id', 'c.id'))
  .replace('${extra}', "\n AND c.status <> 'success'")
  .replaceAll('${c}', 'c');
const db = await openDb({ url: process.argv[2], poolSize: 1 });
for (const params of [
  [['failure'], null, null, null, 51, null],
  [['failure', 'canceled'], null, 'gpu', null, 51, null],
]) {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, SUMMARY ON, COSTS OFF) ${sql}`, params);
  console.log(
    rows
      .map((r) => r['QUERY PLAN'])
      .filter((l) => !/never executed|Index Cond: \(j.id/.test(l))
      .join('\n'),
  );
}
await db.close();
