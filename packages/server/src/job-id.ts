import { isJobId } from '@millrace/queue';
import { HttpError } from './errors';

/**
 * The `:id` of a job route, or 404 job_not_found for anything that cannot be a job id (the queue's
 * rule: a decimal bigint; a larger number would reach the database as an out-of-range error, a 500).
 */
export function jobIdParam(raw: string): string {
  if (!isJobId(raw)) throw new HttpError('job_not_found', `no job ${JSON.stringify(raw)}`);
  return raw;
}
