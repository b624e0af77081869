import { HttpError } from './errors';

// Paging of the configuration lists (scripts, worker groups, script versions). The core packages
// return these lists whole; the server answers them a page at a time so no response grows without
// bound. Cursors are opaque: base64url of the last key of the previous page.

export const MAX_LIST_LIMIT = 1000;

export interface Page<T> {
  items: T[];
  /** the cursor of the next page, null on the last one */
  next: string | null;
}

export function encodeKey(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

const anyKey = /^[^\p{Cc}]+$/u;

export function decodeKey(cursor: string, what: string, pattern = anyKey): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(key) || encodeKey(key) !== cursor.replace(/=+$/, '')) {
    throw new HttpError('validation', `invalid "${what}" cursor`);
  }
  return key;
}

/**
 * One page of `sorted` (in page order): the items after the cursor's key, at most `limit`.
 * `isAfter(item, key)` says whether an item comes after the key in that order.
 */
export function pageOf<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  isAfter: (item: T, key: string) => boolean,
  {
    limit = MAX_LIST_LIMIT,
    cursor,
    what,
    keyPattern,
  }: { limit?: number; cursor?: string; what: string; keyPattern?: RegExp },
): Page<T> {
  const key = cursor === undefined ? undefined : decodeKey(cursor, what, keyPattern);
  const rest = key === undefined ? sorted : sorted.filter((item) => isAfter(item, key));
  const items = rest.slice(0, limit);
  const next = rest.length > limit ? encodeKey(keyOf(items[items.length - 1])) : null;
  return { items, next };
}
