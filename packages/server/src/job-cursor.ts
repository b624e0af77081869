import { isJobId } from '@millrace/queue';
import { HttpError } from './errors';

// `nextBefore` is opaque to clients: base64url of the last job id of the page. Job ids are bigint
// sequence values, so id order is creation order and one number is enough for keyset paging.

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isJobId(id)) throw new HttpError('validation', 'invalid "before" cursor');
  return id;
}
