import { HttpError } from './errors';

// Job ids are PostgreSQL bigints. A longer or larger number cannot name a job: it is a 404 here,
// before it reaches the database (which would refuse it as out of range, a 500).
const MAX_BIGINT = 2n ** 63n - 1n;

export function isJobIdText(text: string): boolean {
  return /^[1-9]\d{0,18}$/.test(text) && BigInt(text) <= MAX_BIGINT;
}

/** The `:id` of a job route, or 404 JOB_NOT_FOUND for anything that cannot be a job id. */
export function jobIdParam(raw: string): string {
  if (!isJobIdText(raw)) throw new HttpError(404, 'JOB_NOT_FOUND', `no job ${JSON.stringify(raw)}`);
  return raw;
}
