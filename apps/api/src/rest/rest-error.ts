import type { FastifyReply } from 'fastify';

export type RestErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR';

export const STATUS_OF: Record<RestErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** The REST error body: `{error: {code, message, path}}`, `path` pointing into the request. */
export interface RestErrorBody {
  error: { code: RestErrorCode; message: string; path: string };
}

export function restErrorBody(code: RestErrorCode, message: string, path = ''): RestErrorBody {
  return { error: { code, message, path } };
}

/** Sends a REST error with the HTTP status that belongs to its code. */
export function sendRestError(
  reply: FastifyReply,
  code: RestErrorCode,
  message: string,
  path = '',
) {
  return reply.code(STATUS_OF[code]).send(restErrorBody(code, message, path));
}
