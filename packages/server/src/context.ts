import type { Db } from '@millrace/db';
import type { Queue } from '@millrace/queue';
import type { Settings } from '@millrace/settings';

/** What every route module gets: the core objects the server was created over. */
export interface ServerContext {
  db: Db;
  queue: Queue;
  settings: Settings;
}

/** The script path of a wildcard route (`/api/scripts/*`), percent-decoded. */
export function wildcardPath(params: unknown): string {
  const raw = (params as { '*': string })['*'] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // malformed escapes: the path validator refuses it with invalid_path
  }
}
