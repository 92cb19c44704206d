import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Env } from '../env';

/** The header a request id comes in and goes back out in. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** A request id taken from a caller: a short token (a UUID, a trace id), nothing else. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Longest error body the request id is written into (error answers are small). */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * What never reaches a log line, even at `debug` (where request bodies are logged): credentials
 * in headers, passwords, tokens and keys in bodies (tRPC's batch wraps inputs one level down).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['password', 'newPassword', 'currentPassword', 'token', 'key', 'apiKey'].flatMap((field) => [
    `body.${field}`,
    `body.*.${field}`,
    `body.*.json.${field}`,
  ]),
];

/** The request id of a raw request: the caller's `x-request-id` when it is sane, else a new UUID. */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && given.length <= 64 && SANE_REQUEST_ID.test(given)
    ? given
    : randomUUID();
}

/**
 * Fastify's logging options: pino JSON lines to stdout (or `stream`), at LOG_LEVEL, with secrets
 * redacted, each line carrying `requestId`; Fastify's own two lines per request are replaced by
 * the one `registerRequestLog` writes.
 * @example Fastify({ ...loggingOptions(env), bodyLimit });
 */
export function loggingOptions(
  env: Pick<Env, 'LOG_LEVEL'>,
  stream?: NodeJS.WritableStream,
): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'logController' | 'requestIdHeader'> {
  return {
    logger:
      env.LOG_LEVEL === 'silent'
        ? false
        : {
            level: env.LOG_LEVEL,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            ...(stream ? { stream } : {}),
          },
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: true,
    }),
  };
}

/**
 * Gives every answer its `x-request-id` header and every JSON error answer the same id
 * (`error.requestId`; tRPC streams its answers, so its errors get `error.data.requestId` from the
 * error formatter in trpc.ts), and logs one line per request: method,
 * route, path (never the query string, which may carry input), status and duration. Request bodies
 * are logged only at `debug` or `trace`.
 * @example registerRequestLog(app);
 */
export function registerRequestLog(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    void reply.header(REQUEST_ID_HEADER, req.id);
  });
  const bodies = app.log.level === 'debug' || app.log.level === 'trace';
  app.addHook('preHandler', async (req) => {
    if (bodies && req.body !== undefined)
      req.log.debug({ body: loggableBody(req.body) }, 'request body');
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || payload.length > MAX_ERROR_BODY)
      return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    const stamped = (Array.isArray(body) ? body : [body]).map((item) => stampError(item, req.id));
    if (!stamped.some(Boolean)) return payload;
    return JSON.stringify(body);
  });
  app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?', 1)[0]!.slice(0, 200);
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? null,
        path,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
}

/**
 * A body as the log shows it: tRPC reads its JSON itself (the body arrives as text), so text is
 * parsed here for the redaction paths to find passwords and keys in it.
 */
function loggableBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  if (body.length > MAX_ERROR_BODY) return `[${body.length} characters]`;
  try {
    return JSON.parse(body);
  } catch {
    return `[${body.length} characters that are not JSON]`;
  }
}

/** Writes the request id into an error body; false when it is not one. */
function stampError(body: unknown, requestId: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const data = (error as { data?: unknown }).data;
  if (typeof data === 'object' && data !== null)
    (data as Record<string, unknown>).requestId = requestId;
  else (error as Record<string, unknown>).requestId = requestId;
  return true;
}
