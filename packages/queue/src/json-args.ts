// Finds the first value in a job's args that JSON would silently change or drop (JSON.stringify
// turns a Date into a string, NaN into null, a Map into {}, and drops functions): such args are
// refused at push, named by path, instead of reaching the script as something else.
// Push is a hot path (pushMany of 100k jobs is benchmarked): a first walk allocates nothing and
// tracks no path; only args it doubts are walked again to name the value (bench/push-many.mjs).

/** Why the value at `path` cannot travel as JSON, or null when every value can. */
export interface NotJson {
  path: string;
  problem: string;
}

/** Deeper than this the quick walk gives up and the full one (which finds cycles) decides. */
const QUICK_DEPTH = 64;

/** Checks `args` (a plain object) and everything inside it; undefined properties are allowed (JSON drops them). */
export function findNotJson(args: unknown): NotJson | null {
  try {
    if (isFaithful(args, false, 0)) return null;
  } catch {
    // a getter threw: the full walk names it
  }
  return explain(args);
}

/** True when JSON carries `value` unchanged; false when in doubt (too deep, maybe circular). */
function isFaithful(value: unknown, inArray: boolean, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'undefined':
      return !inArray;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= QUICK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isFaithful(value[i], true, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value as object)) return false;
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (Object.hasOwn(object, key) && !isFaithful(object[key], false, depth + 1)) return false;
  }
  return true;
}

/** The full walk: the path and the reason of the first value JSON would change, tracking cycles. */
function explain(args: unknown): NotJson | null {
  const ancestors: object[] = [];
  const keys: (string | number)[] = [];
  const problemAt = (problem: string): NotJson => ({ path: pathText(keys), problem });

  const visit = (value: unknown, inArray: boolean): NotJson | null => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return null;
      case 'number':
        return Number.isFinite(value) ? null : problemAt(`${value} is not JSON (it would become null)`);
      case 'undefined':
        return inArray
          ? problemAt('undefined in an array is not JSON (it would become null); use null')
          : null;
      case 'bigint':
        return problemAt('a BigInt is not JSON; pass it as a string or a number');
      case 'function':
        return problemAt('a function is not JSON');
      case 'symbol':
        return problemAt('a symbol is not JSON');
    }
    if (value === null) return null;
    const object = value as object;
    if (!Array.isArray(object) && !isPlainObject(object)) return problemAt(notPlain(object));
    if (ancestors.includes(object)) return problemAt('a circular reference is not JSON');
    ancestors.push(object);
    const found = Array.isArray(object) ? visitArray(object) : visitObject(object as Record<string, unknown>);
    ancestors.pop();
    return found;
  };

  const visitArray = (array: unknown[]): NotJson | null => {
    for (let i = 0; i < array.length; i++) {
      keys.push(i);
      const found = visit(array[i], true);
      keys.pop();
      if (found) return found;
    }
    return null;
  };

  const visitObject = (object: Record<string, unknown>): NotJson | null => {
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      keys.push(key);
      const found = visit(object[key], false);
      keys.pop();
      if (found) return found;
    }
    return null;
  };

  try {
    return visit(args, false);
  } catch (err) {
    // a stack overflow on deep nesting, or a getter that threw (JSON.stringify would throw too)
    if (err instanceof RangeError) return { path: 'args', problem: 'nested too deeply to be JSON' };
    return problemAt(`reading it threw: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** A plain object of this realm or another (its prototype is an Object.prototype), or one with no prototype. */
function isPlainObject(object: object): boolean {
  const proto = Object.getPrototypeOf(object);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function notPlain(object: object): string {
  if (object instanceof Date) return 'a Date is not JSON (it would become a string); pass date.toISOString()';
  if (object instanceof Map || object instanceof Set) {
    const kind = object instanceof Map ? 'Map' : 'Set';
    return `a ${kind} is not JSON (it would become {}); pass ${kind === 'Map' ? 'Object.fromEntries(map)' : '[...set]'}`;
  }
  const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
  return `${typeof name === 'string' && name ? `a ${name}` : 'an object with a prototype'} is not a plain object or array, so not JSON`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pathText(keys: (string | number)[]): string {
  let text = 'args';
  for (const key of keys) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return text;
}
