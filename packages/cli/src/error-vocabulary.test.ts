// One error vocabulary (docs/errors.md): every exported error class of every package extends
// MillraceError, owns a snake_case code no other class owns, and that code is in the server's
// status table and in docs/errors.md with the same class, package and status. Adding an error and
// forgetting the table or the docs fails here.
import { readFileSync } from 'node:fs';
import * as db from '@millrace/db';
import * as runner from '@millrace/dedicated-runner';
import * as queue from '@millrace/queue';
import * as server from '@millrace/server';
import * as settings from '@millrace/settings';
import * as worker from '@millrace/worker';
import { describe, expect, it } from 'vitest';
import * as cli from './index';

const { MillraceError } = db;
type ErrorClass = abstract new (...args: never[]) => InstanceType<typeof MillraceError>;

// lowest first: a class re-exported by a higher package belongs to the lowest that exports it
const PACKAGES: [string, Record<string, unknown>][] = [
  ['@millrace/dedicated-runner', runner],
  ['@millrace/db', db],
  ['@millrace/settings', settings],
  ['@millrace/queue', queue],
  ['@millrace/worker', worker],
  ['@millrace/server', server],
  ['@millrace/cli', cli],
];

/** Bases that take their code from the caller: their subclasses, or their static `codes`, own codes. */
const FAMILIES: ReadonlySet<unknown> = new Set([
  MillraceError,
  runner.RunnerError,
  worker.ColdExecutorError,
  settings.DependencyError,
  server.HttpError,
  cli.CliError,
]);

const PROBE = 'probe_argument';

interface Owned {
  code: string;
  className: string;
  pkg: string;
}

function exportedErrorClasses(): { cls: ErrorClass; name: string; pkg: string }[] {
  const seen = new Set<unknown>();
  const found: { cls: ErrorClass; name: string; pkg: string }[] = [];
  for (const [pkg, exports] of PACKAGES) {
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function' || seen.has(value)) continue;
      if (value !== MillraceError && !(value.prototype instanceof MillraceError)) continue;
      seen.add(value);
      found.push({ cls: value as ErrorClass, name, pkg });
    }
  }
  return found;
}

/** An instance made from one probe argument (a string, or a list of them for `issues` errors). */
function probe(cls: ErrorClass): InstanceType<typeof MillraceError> {
  try {
    return Reflect.construct(cls, [PROBE]);
  } catch {
    return Reflect.construct(cls, [[PROBE]]);
  }
}

/** Every code and who owns it: a class's fixed code, or a family's static `codes`. */
function ownedCodes(): Owned[] {
  const owned: Owned[] = [];
  for (const { cls, name, pkg } of exportedErrorClasses()) {
    const instance = probe(cls);
    expect(instance.name, `${name}: name is the class name`).toBe(name);
    const familyCodes = (cls as { codes?: readonly string[] }).codes;
    if (instance.code !== PROBE) {
      owned.push({ code: instance.code, className: name, pkg });
    } else {
      // takes its code from the caller: must be a declared family
      expect(FAMILIES.has(cls), `${name} (${pkg}) takes its code from the caller`).toBe(true);
      if (Object.hasOwn(cls, 'codes') && familyCodes) {
        for (const code of familyCodes) owned.push({ code, className: name, pkg });
      }
    }
  }
  return owned;
}

/** The rows of docs/errors.md's code table: | `code` | `Class` | `@millrace/pkg` | status | meaning | */
function documentedCodes(): Map<string, { className: string; pkg: string; status: number }> {
  const text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, { className: string; pkg: string; status: number }>();
  for (const m of text.matchAll(/^\| `([a-z0-9_]+)` \| `(\w+)` \| `(@millrace\/[a-z-]+)` \| (\d{3}) \|/gm)) {
    expect(rows.has(m[1]), `docs/errors.md lists ${m[1]} twice`).toBe(false);
    rows.set(m[1], { className: m[2], pkg: m[3], status: Number(m[4]) });
  }
  return rows;
}

describe('one error vocabulary', () => {
  const owned = ownedCodes();

  it('finds the error classes of every package', () => {
    const pkgs = new Set(owned.map((o) => o.pkg));
    expect([...pkgs].sort()).toEqual(PACKAGES.map(([pkg]) => pkg).sort());
    expect(owned.length).toBeGreaterThan(40);
  });

  it('no package exports an error class outside MillraceError', () => {
    const outside = PACKAGES.flatMap(([pkg, exports]) =>
      Object.entries(exports)
        .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Error)
        .filter(([, v]) => !((v as ErrorClass).prototype instanceof MillraceError) && v !== MillraceError)
        .map(([name]) => `${name} (${pkg})`),
    );
    expect(outside).toEqual([]);
  });

  it('every code is snake_case and owned by one class', () => {
    const owners = new Map<string, string>();
    for (const { code, className, pkg } of owned) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      const other = owners.get(code);
      expect(other, `${code} is owned by ${other} and ${className} (${pkg})`).toBeUndefined();
      owners.set(code, `${className} (${pkg})`);
    }
  });

  it('the status table has exactly the owned codes', () => {
    expect(Object.keys(server.ERROR_STATUS).sort()).toEqual(owned.map((o) => o.code).sort());
  });

  it('docs/errors.md lists exactly the owned codes, with their class, package and status', () => {
    const docs = documentedCodes();
    expect([...docs.keys()].sort()).toEqual(owned.map((o) => o.code).sort());
    for (const { code, className, pkg } of owned) {
      expect(docs.get(code), code).toEqual({ className, pkg, status: server.statusOf(code) });
    }
  });

  it('the HTTP API answers a library error with its own code and the table status', () => {
    const err = new queue.JobNotFoundError('1');
    expect(server.statusOf(err.code)).toBe(404);
    expect(new server.HttpError('wait_timeout', 'x').status).toBe(504);
    expect(new runner.InvalidArgsError('x')).toBeInstanceOf(MillraceError);
    expect(queue.InvalidArgsError).toBe(runner.InvalidArgsError);
  });
});
