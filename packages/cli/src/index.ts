export { CliError, type CliErrorCode } from './errors';
export { type Io, processIo } from './io';
export { buildProgram } from './program';
