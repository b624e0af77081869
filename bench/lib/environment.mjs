// What a bench run records about where it ran: machine, Node, PostgreSQL (version and the
// settings that move queue numbers), Redis, and the commit. Never throws: a part that cannot be
// read is recorded as `{ error }`.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { serverUrl } from './database.mjs';

const PG_SETTINGS = [
  'shared_buffers',
  'synchronous_commit',
  'fsync',
  'max_connections',
  'wal_level',
  'work_mem',
];

async function postgres() {
  const client = new pg.Client({ connectionString: serverUrl() });
  try {
    await client.connect();
    const version = (await client.query('SHOW server_version')).rows[0].server_version;
    const settings = {};
    for (const name of PG_SETTINGS) settings[name] = (await client.query(`SHOW ${name}`)).rows[0][name]; // constants, not input
    return { version, settings };
  } catch (err) {
    return { error: err.message };
  } finally {
    await client.end().catch(() => {});
  }
}

async function redis() {
  try {
    const { default: Redis } = await import('ioredis');
    const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      const info = await client.info('server');
      return { version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
    } finally {
      client.disconnect();
    }
  } catch (err) {
    return { error: err.message };
  }
}

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export async function describeEnvironment() {
  const cpus = os.cpus();
  return {
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    node: process.version,
    postgres: await postgres(),
    redis: await redis(),
    commit: commit(),
  };
}
