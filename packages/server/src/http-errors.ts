import { MillraceError } from '@millrace/db';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorCode, statusOf } from './error-status';
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

// fastify's own errors for malformed requests (never a 500 for bad input).
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'json_required',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation',
};

export function mapError(err: unknown): Mapped {
  if (err instanceof HttpError) {
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  }
  // every package's code, as is, with its status from the one table
  if (err instanceof MillraceError && err.code in ERROR_STATUS) {
    return { status: statusOf(err.code), code: err.code, message: err.message, details: detailsOf(err) };
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) {
    const code = FASTIFY_CODES[fe.code];
    return { status: statusOf(code), code, message: fe.message ?? 'bad request' };
  }
  // Body parse errors (bad JSON) carry a 4xx statusCode without one of the codes above.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'validation', message: fe.message ?? 'bad request' };
  }
  return { status: 500, code: 'internal', message: 'internal server error' };
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
  if (mapped.status >= 500 && mapped.code !== 'job_failed' && request) {
    request.log.error({ err }, 'request failed');
    request.server.reportInternalError?.({
      requestId: request.id,
      method: request.method,
      url: request.url,
      status: mapped.status,
      error: err,
    });
    if (mapped.code === 'internal') mapped.message = `internal server error (request ${request.id})`;
  }
  const error: Record<string, unknown> = { code: mapped.code, message: mapped.message };
  if (mapped.details !== undefined) error.details = mapped.details;
  return reply.status(mapped.status).type('application/json; charset=utf-8').send({ error });
}
