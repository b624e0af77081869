// Errors the cold executor throws on its public path. Jobs never throw: their failures are outcomes.

export type ColdExecutorErrorCode = 'INVALID_OPTIONS' | 'WRAPPER_NOT_FOUND';

export class ColdExecutorError extends Error {
  readonly code: ColdExecutorErrorCode;

  constructor(code: ColdExecutorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ColdExecutorError';
    this.code = code;
  }
}

export class InvalidColdExecutorOptionsError extends ColdExecutorError {
  constructor(message: string) {
    super('INVALID_OPTIONS', message);
    this.name = 'InvalidColdExecutorOptionsError';
  }
}

export class ColdWrapperNotFoundError extends ColdExecutorError {
  constructor(searchedFrom: string) {
    super('WRAPPER_NOT_FOUND', `runtime/cold-wrapper.mjs not found above ${searchedFrom}`);
    this.name = 'ColdWrapperNotFoundError';
  }
}
