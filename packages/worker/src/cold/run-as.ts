// A worker group's `runAs` ("name" or "uid[:gid]") as ids on this host: users are per machine, so
// each worker resolves it, through the system's user database (getent: files, LDAP, ...).
import { execFileSync } from 'node:child_process';
import { WorkerConfigError } from '../errors';

export interface RunAsIds {
  uid: number;
  gid: number;
}

export function resolveRunAs(spec: string): RunAsIds {
  const numeric = /^(\d+)(?::(\d+))?$/.exec(spec);
  if (numeric?.[2] !== undefined) return { uid: Number(numeric[1]), gid: Number(numeric[2]) };
  let entry: string;
  try {
    entry = execFileSync('getent', ['passwd', spec], { encoding: 'utf8', timeout: 10_000 });
  } catch {
    // A bare uid with no entry runs with its own number as gid.
    if (numeric) return { uid: Number(numeric[1]), gid: Number(numeric[1]) };
    throw new WorkerConfigError(`runAs: no user ${spec} on this host`);
  }
  const [, , uid, gid] = entry.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
