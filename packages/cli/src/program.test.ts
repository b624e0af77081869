import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '@millrace/db';
import { CommanderError } from 'commander';
import { expect, it } from 'vitest';
import { CliError } from './errors';
import { millrace } from './test-support';

it('--help lists every command', async () => {
  const { out, error } = await millrace(['--help']);
  expect((error as CommanderError).exitCode).toBe(0);
  for (const cmd of ['dev', 'server', 'worker', 'migrate', 'deploy', 'run']) expect(out).toContain(cmd);
});

it('an unknown flag fails with a message', async () => {
  const { err, error } = await millrace(['run', 'f/a/b', '--bogus']);
  expect(error).toBeInstanceOf(CommanderError);
  expect((error as CommanderError).exitCode).toBe(1);
  expect(err).toContain("unknown option '--bogus'");
});

it('refuses invalid JSON args and bad numbers before touching a database', async () => {
  const json = await millrace(['run', 'f/a/b', '--args', '{nope']);
  expect((json.error as CommanderError).exitCode).toBe(1);
  expect(json.err).toContain('not valid JSON');
  const array = await millrace(['run', 'f/a/b', '--args', '[1]']);
  expect(array.err).toContain('expected a JSON object');
  const count = await millrace(['run', 'f/a/b', '--count', '0']);
  expect(count.err).toContain('positive integer');
  const group = await millrace(['worker']);
  expect(group.err).toContain("required option '--group <name>'");
});

it('reports an unreachable database clearly', async () => {
  const { error } = await millrace(['migrate', '--database-url', 'postgres://root:pw@127.0.0.1:1/nope']);
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).message).toMatch(
    /cannot open the database \(postgres:\/\/root:\*\*\*@127\.0\.0\.1:1\/nope\): cannot connect to the database: connect ECONNREFUSED/,
  );
  // said once, and not "lost": this connection was never made
  expect((error as CliError).message.match(/cannot open/g)).toHaveLength(1);
  expect((error as CliError).message).not.toContain('lost');
});

it('migrate says which migrations it applied, then that nothing was left to apply', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-migrate-'));
  try {
    const first = await millrace(['migrate', '--data-dir', join(dir, 'db')]);
    expect(first.error).toBeUndefined();
    const applied = first.out.split('\n').filter((l) => l.startsWith('applied '));
    expect(applied).toEqual(migrations.map((m) => `applied ${m.name}`));
    expect(first.out).toContain(`database is up to date (${migrations.length} applied)`);
    const second = await millrace(['migrate', '--data-dir', join(dir, 'db')]);
    expect(second.out).not.toContain('applied 0');
    expect(second.out).toContain('database is up to date (nothing to apply)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
