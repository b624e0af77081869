// Load on the log streams (docs/security.md, issue 14 item 4), against PostgreSQL at 127.0.0.1:
// `npx turbo run build --filter=@millrace/server && node --expose-gc packages/server/scripts/log-stream-load.mjs`
import { connect } from 'node:net';
import { openDb } from '@millrace/db';
import { Queue } from '@millrace/queue';
import { startServer } from '@millrace/server';
import { Settings } from '@millrace/settings';

const admin = await openDb({
  url: process.env.MILLRACE_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test',
  migrate: false,
  poolSize: 1,
});
const name = `sec_measure_${process.pid}`;
await admin.query(`CREATE DATABASE ${name}`);
const db = await openDb({ url: `postgres://root@127.0.0.1:5432/${name}` });
const settings = new Settings(db);
const queue = new Queue(db, { settings });
await settings.deployScript({ path: 'f/m/x', content: 'export function main() {}', language: 'javascript' });
const id = await queue.push('f/m/x', {});
await queue.claim('w', ['node'], 1);
for (let i = 0; i < 160; i += 16)
  await queue.appendLogs(
    Array.from({ length: 16 }, (_, k) => ({ id, attempt: 1, seq: i + k, text: 'x'.repeat(65535) + '\n' })),
  );
const server = await startServer({
  db,
  queue,
  settings,
  port: 0,
  uiDir: null,
  defaultMetrics: false,
  maxLogStreamsPerJob: 200,
});
const mb = () => Math.round(process.memoryUsage().rss / 1048576);
global.gc?.();
const base = mb();
const socks = Array.from({ length: 20 }, () => {
  const s = connect(server.port, '127.0.0.1');
  s.pause();
  s.write(`GET /api/jobs/${id}/logs/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return s;
});
while (server.app.logStreamStats().paused < 20) await new Promise((r) => setTimeout(r, 100));
const peak = mb();
const st = server.app.logStreamStats();
for (const s of socks) s.destroy();
while (server.app.logStreamStats().streams > 0) await new Promise((r) => setTimeout(r, 50));
global.gc?.();
await new Promise((r) => setTimeout(r, 500));
global.gc?.();
console.log(
  `20 stalled streams on 10 MiB: rss ${base} MB → ${peak} MB while open (server-side buffered ${Math.round(st.bufferedBytes / 1024)} KiB), ${mb()} MB after close`,
);
const later = await queue.push('f/m/x', {}, { scheduledFor: new Date(Date.now() + 86400000) });
const aborts = Array.from({ length: 100 }, () => new AbortController());
const commits = async () =>
  Number(
    (await admin.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [name])).rows[0]
      .xact_commit,
  );
await Promise.all(
  aborts.map((a) => fetch(`${server.url}/api/jobs/${later}/logs/stream`, { signal: a.signal })),
);
await new Promise((r) => setTimeout(r, 12000)); // stats of the opening requests flushed
const c0 = await commits();
const t0 = Date.now();
const p0 = server.app.logStreamStats().polls;
await new Promise((r) => setTimeout(r, 20000));
const c1 = await commits();
const s = (Date.now() - t0) / 1000;
console.log(
  `100 streams on a far-future job: ${Math.round((c1 - c0) / s)} commits/s (pg_stat_database over ${Math.round(s)} s), ${Math.round((server.app.logStreamStats().polls - p0) / s)} feed polls/s`,
);
for (const a of aborts) a.abort();
await server.close();
await db.close();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.close();
