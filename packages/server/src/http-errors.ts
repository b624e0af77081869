import { MillraceError } from '@millrace/db';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';
import type { InternalErrorReport } from './options';

declare module 'fastify' {
  interface FastifyInstance {
    /** ServerOptions.onInternalError, when given */
    reportInternalError?: (report: InternalErrorReport) => void;
  }
}

/** One place that turns any thrown value into the API's `{ error: { code, message, details? } }`. */

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

/** Where an error lands in the HTTP contract: its status and upper-snake code. */
type HttpCode = Pick<Mapped, 'status' | 'code'>;

// Core packages use lower-snake codes; the HTTP contract uses upper-snake ones with a status each.
const CORE_CODES: Record<string, HttpCode> = {
  invalid_path: { status: 400, code: 'INVALID_PATH' },
  invalid_args: { status: 400, code: 'INVALID_ARGS' },
  invalid_settings: { status: 400, code: 'INVALID_SETTINGS' },
  invalid_worker_group: { status: 400, code: 'INVALID_WORKER_GROUP' },
  invalid_script: { status: 400, code: 'INVALID_SCRIPT' },
  // A deploy whose dependencies cannot be resolved, installed or bundled (nothing was written).
  dependency_not_found: { status: 422, code: 'DEPENDENCY_NOT_FOUND' },
  dependency_version_not_found: { status: 422, code: 'DEPENDENCY_VERSION_NOT_FOUND' },
  dependency_build_failed: { status: 422, code: 'DEPENDENCY_BUILD_FAILED' },
  registry_unreachable: { status: 502, code: 'REGISTRY_UNREACHABLE' },
  dependency_timeout: { status: 504, code: 'DEPENDENCY_TIMEOUT' },
  invalid_schedule: { status: 400, code: 'INVALID_SCHEDULE' },
  invalid_failure_handler: { status: 400, code: 'INVALID_FAILURE_HANDLER' },
  schedule_not_found: { status: 404, code: 'SCHEDULE_NOT_FOUND' },
  invalid_job_options: { status: 400, code: 'VALIDATION' },
  script_not_found: { status: 404, code: 'SCRIPT_NOT_FOUND' },
  job_not_found: { status: 404, code: 'JOB_NOT_FOUND' },
  worker_group_not_found: { status: 404, code: 'WORKER_GROUP_NOT_FOUND' },
  args_too_large: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  wait_timeout: { status: 504, code: 'WAIT_TIMEOUT' },
  database_error: { status: 503, code: 'DATABASE_UNAVAILABLE' },
};

// fastify's own errors for malformed requests (never a 500 for bad input).
const FASTIFY_CODES: Record<string, HttpCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'VALIDATION' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'VALIDATION' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'VALIDATION' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'VALIDATION' },
};

export function mapError(err: unknown): Mapped {
  if (err instanceof HttpError) {
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof MillraceError) {
    const known = CORE_CODES[err.code];
    if (known) return { ...known, message: err.message, details: detailsOf(err) };
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) {
    return { ...FASTIFY_CODES[fe.code], message: fe.message ?? 'bad request' };
  }
  // Body parse errors (bad JSON) carry a 4xx statusCode without one of the codes above.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'VALIDATION', message: fe.message ?? 'bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal server error' };
}

/** What a client can act on besides the message: every issue found, or the package at fault. */
function detailsOf(err: MillraceError): unknown {
  const { issues, packageName, reason } = err as { issues?: unknown; packageName?: string; reason?: string };
  if (issues) return { issues };
  if (packageName) return { package: packageName, reason };
  return undefined;
}

export function sendError(reply: FastifyReply, err: unknown, request?: FastifyRequest) {
  const mapped = mapError(err);
  // Bugs and database failures are logged with their stack and the request id; the client gets
  // a generic message naming that id (also in its X-Request-Id header).
  if (mapped.status >= 500 && mapped.code !== 'JOB_FAILED' && request) {
    request.log.error({ err }, 'request failed');
    request.server.reportInternalError?.({
      requestId: request.id,
      method: request.method,
      url: request.url,
      status: mapped.status,
      error: err,
    });
    if (mapped.code === 'INTERNAL') mapped.message = `internal server error (request ${request.id})`;
  }
  const error: Record<string, unknown> = { code: mapped.code, message: mapped.message };
  if (mapped.details !== undefined) error.details = mapped.details;
  return reply.status(mapped.status).type('application/json; charset=utf-8').send({ error });
}
