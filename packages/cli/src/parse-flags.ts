import { InvalidArgumentError } from 'commander';

// commander argParsers: a bad value becomes commander's own "error: option '--x' argument …" exit.

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

/** A whole number, negative too (a priority). */
export function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer');
  return n;
}

/** `max/windowMs`, e.g. `10/60000`: at most 10 starts in any minute. */
export function rateLimit(value: string): { max: number; windowMs: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected <max>/<windowMs>, e.g. 10/60000');
  return { max: Number(m[1]), windowMs: Number(m[2]) };
}

export function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"name":"Ada"}\'');
  }
  return parsed as Record<string, unknown>;
}

/** A repeatable flag (`--allowed-host a --allowed-host b`): every value, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
