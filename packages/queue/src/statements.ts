import { CLAIM_JOBS } from './sql/claim-jobs';
import { COMPLETE_JOBS } from './sql/complete-jobs';
import { PUSH_JOBS } from './sql/push-jobs';

/**
 * The hot statements' text, for profiling tools (EXPLAIN, trying variants in bench/). Not an API
 * for running them: their parameters are the queue's internals and may change.
 */
export const queueStatements = { PUSH_JOBS, CLAIM_JOBS, COMPLETE_JOBS } as const;
