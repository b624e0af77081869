// Errors the cold executor throws on its public path. Jobs never throw: their failures are outcomes.
import { MillraceError } from '@millrace/db';

export type ColdExecutorErrorCode = 'invalid_cold_executor_options' | 'cold_wrapper_not_found';

export class ColdExecutorError extends MillraceError {
  declare readonly code: ColdExecutorErrorCode;
  constructor(code: ColdExecutorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** createColdExecutor options out of range or of the wrong type. */
export class InvalidColdExecutorOptionsError extends ColdExecutorError {
  constructor(message: string) {
    super('invalid_cold_executor_options', message);
  }
}

export class ColdWrapperNotFoundError extends ColdExecutorError {
  constructor(searchedFrom: string) {
    super('cold_wrapper_not_found', `runtime/cold-wrapper.mjs not found above ${searchedFrom}`);
  }
}
