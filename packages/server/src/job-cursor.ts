import { HttpError } from './errors';
import { isJobIdText } from './job-id';

// `nextBefore` is opaque to clients: base64url of the last job id of the page. Job ids are bigint
// sequence values, so id order is creation order and one number is enough for keyset paging.

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isJobIdText(id)) throw new HttpError(400, 'VALIDATION', 'invalid "before" cursor');
  return id;
}
