export { createServer } from './create-server';
export { ERROR_STATUS, type ErrorCode, statusOf } from './error-status';
export { HttpError, ServerConfigError } from './errors';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type InternalErrorReport,
  isLoopback,
  type ServerOptions,
} from './options';
export { type RunningServer, startServer } from './start-server';
export { findUiDir } from './ui-dir';
