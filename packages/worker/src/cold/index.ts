// Public surface of the cold-start executor; src/index.ts re-exports from here.
export { createColdExecutor } from './cold-executor';
export type { ColdExecutorErrorCode } from './errors';
export { ColdExecutorError, ColdWrapperNotFoundError, InvalidColdExecutorOptionsError } from './errors';
export type { ColdExecutorOptions } from './options';
