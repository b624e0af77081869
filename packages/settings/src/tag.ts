/** Tag resolution: which tag a script's jobs get. Pure; the database side lives in scripts.ts. */

/** The tag of a script with no tag and not dedicated; what a generic group serves by default. */
export const DEFAULT_TAG = 'node';

/** Reserved for dedicated routing: a user tag may not start with it. */
export const DEDICATED_PREFIX = 'dedicated:';

export function dedicatedTag(path: string): string {
  return `${DEDICATED_PREFIX}${path}`;
}

/** `dedicated:<path>` when dedicated is on, else the script's tag, else `node`. */
export function resolveTag(path: string, settings: { dedicated: boolean; tag: string | null }): string {
  if (settings.dedicated) return dedicatedTag(path);
  return settings.tag ?? DEFAULT_TAG;
}
