import { Readable, Transform } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AccordDatabase } from '@accord/db';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SignInThrottle } from './auth/sign-in-throttle';
import type { Env } from './env';
import { Readiness, registerHealthRoutes } from './health';
import {
  JsonLimitError,
  jsonLimited,
  jsonLimitProblem,
  MAX_JSON_DEPTH,
  type JsonLimitProblem,
  type JsonLimits,
} from './json-limits';
import { ApiKeyCache } from './rest/api-key-cache';
import { registerEvaluateRoute } from './rest/evaluate-route';
import { registerLeadSetUpload } from './rest/lead-set-upload';
import { EvaluatorCache } from './rest/evaluator-cache';
import { openApiDocument } from './rest/openapi';
import { restErrorBody, STATUS_OF, type RestErrorCode } from './rest/rest-error';
import { appRouter, type AppRouter } from './root';
import { sessionFromRequest, type SignedInSession } from './auth/session';
import type { Caches, Context } from './trpc';
import { registerMetrics } from './observability/metrics';
import { registerCollabSocket } from './collab/socket';
import { SharedDrafts, useSharedDrafts } from './collab/shared-drafts';
import { loggingOptions, registerRequestLog } from './observability/request-log';

/** Largest request body the API accepts (tRPC and REST); bigger ones get 413. */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/**
 * Largest tRPC body from a caller without a session: the public procedures (sign-in, sign-out)
 * take a few hundred bytes, so nobody signed out makes the server read megabytes.
 */
export const ANONYMOUS_BODY_LIMIT_BYTES = 64 * 1024;
/**
 * Largest tRPC body of a signed-in caller, by procedure. Reading, decoding and parsing a 10 MB body
 * holds the event loop for about 200 ms even on an idle machine, so only the procedures that take
 * files or documents get the whole body limit: `draft.save` (documents up to 2 MB, 4 MB leaves
 * room for escapes), the import procedures (file text; bigger files go to the upload route) and
 * `simulations.tryLead` (a pasted lead with its event history). Every other input is a few fields,
 * each capped far below 1 MB.
 */
export const TRPC_BODY_LIMIT_BYTES = 1024 * 1024;
const LARGE_TRPC_BODIES: Readonly<Record<string, number>> = {
  'draft.save': 4 * 1024 * 1024,
  'leadSets.previewImport': BODY_LIMIT_BYTES,
  'leadSets.import': BODY_LIMIT_BYTES,
  'simulations.tryLead': BODY_LIMIT_BYTES,
};

/** The body limit of a tRPC request: by session, and for a batch (`a,b`) the sum of its calls. */
function trpcBodyLimit(signedIn: boolean, path: string | undefined): number {
  if (!signedIn) return ANONYMOUS_BODY_LIMIT_BYTES;
  const calls = (path ?? '').split(',');
  const sum = calls.reduce(
    (total, call) => total + (LARGE_TRPC_BODIES[call] ?? TRPC_BODY_LIMIT_BYTES),
    0,
  );
  return Math.min(sum, BODY_LIMIT_BYTES);
}

/** Longest string, in bytes, in a JSON body of the REST API (a lead's values, a CRM field each). */
export const MAX_REST_STRING_LENGTH = 1024 * 1024;

/** A tRPC body grew past its limit (`trpcBodyLimit`). */
class TrpcBodyTooLarge extends Error {
  readonly statusCode = 413;
  constructor(signedIn: boolean, limit: number) {
    super(
      signedIn
        ? `This request body may have at most ${limit} bytes.`
        : `Without a session a request body may have at most ${limit} bytes; sign in first.`,
    );
  }
}

/** Passes a body through and fails it once it passes `limit` bytes. */
function capped(payload: NodeJS.ReadableStream, limit: number, tooLarge: () => Error): Transform {
  let bytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limit ? tooLarge() : null, chunk);
    },
  });
  payload.on('error', (error) => out.destroy(error));
  return payload.pipe(out);
}

/**
 * The JSON limits of a request. tRPC: depth counted from the input (one level more for a batch's
 * envelope `{"0": input}`), strings up to the body limit (`leadSets.import` takes a file's text;
 * each procedure caps its own fields once the caller is known). REST: strings up to
 * MAX_REST_STRING_LENGTH.
 */
function jsonLimitsOf(req: FastifyRequest): JsonLimits {
  if (!isTrpcRoute(req))
    return { maxDepth: MAX_JSON_DEPTH, maxStringBytes: MAX_REST_STRING_LENGTH };
  const batch = ((req.query ?? {}) as { batch?: unknown }).batch !== undefined;
  return { maxDepth: MAX_JSON_DEPTH + (batch ? 1 : 0), maxStringBytes: BODY_LIMIT_BYTES };
}

/** A JSON limit answered as tRPC answers a bad input (its client shows the message). */
function trpcLimitError(req: FastifyRequest, problem: JsonLimitProblem, where: string) {
  const message =
    problem.kind === 'depth'
      ? `${where} is nested deeper than ${MAX_JSON_DEPTH} levels.`
      : `${where} has a string longer than the limit.`;
  const path = (req.params as { path?: string }).path;
  return { error: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path } } };
}

/**
 * Whether a request was routed to tRPC. Judged on the route Fastify matched (its router decodes
 * the path), never on the raw URL: `/%74rpc/auth.signOut` reaches tRPC too.
 */
const isTrpcRoute = (req: FastifyRequest) => req.routeOptions.url?.startsWith('/trpc/') === true;

export interface ServerDeps {
  database: AccordDatabase;
  env: Env;
  /** What /readyz reports; index.ts turns it not ready on SIGTERM. A fresh one by default. */
  readiness?: Readiness;
  /** Where the JSON log lines go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The REST caches; mutations invalidate them (see Context.caches). */
    caches: Caches;
    /** What /readyz reports (see health.ts). */
    readiness: Readiness;
  }
  interface FastifyRequest {
    /** The session of a tRPC request, looked up before its body is read; null when signed out. */
    trpcSession?: SignedInSession | null;
  }
}

export type AccordServer = FastifyInstance;

/**
 * Wires Fastify: tRPC at /trpc, /healthz and /readyz, and the built web app at / with
 * client-side routes falling back to index.html.
 * @example const app = await buildServer({ database, env }); await app.listen({ port: 3000 });
 */
export async function buildServer({
  database,
  env,
  readiness = new Readiness(database),
  logStream,
}: ServerDeps): Promise<AccordServer> {
  const app = Fastify({
    ...loggingOptions(env, logStream),
    bodyLimit: BODY_LIMIT_BYTES,
    // On shutdown the listener closes first; a request that reaches a connection accepted before
    // (its bytes sent before SIGTERM, read late by a busy event loop) is served, not refused
    // with 503 and its unread body reset (see shutdown.ts).
    return503OnClosing: false,
    routerOptions: { maxParamLength: 500 },
    // A URL Fastify cannot decode (e.g. a lone surrogate) answers like every other REST error.
    frameworkErrors: (error, _req, reply) =>
      void (reply as FastifyReply)
        .code(400)
        .send(restErrorBody('BAD_REQUEST', error.message, 'url')),
  });
  await app.register(fastifyCookie);
  registerRequestLog(app);
  await registerMetrics(app, { database, env });
  app.addHook('onRequest', async (req, reply) => {
    if (!isTrpcRoute(req)) return;
    // tRPC mutations take JSON only: a cross-site form (urlencoded, multipart, text/plain) can
    // neither reach them (CSRF) nor make the adapter fail on a body it does not parse.
    if (req.method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return reply.code(415).send({
          error: {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: 'Send tRPC requests as application/json.',
            path: 'headers.content-type',
          },
        });
      }
    }
    // The session before the body: a body is capped by who sends it before it is read.
    req.trpcSession = await sessionFromRequest(database.db, req);
    const signedIn = req.trpcSession !== null;
    const limit = trpcBodyLimit(signedIn, (req.params as { path?: string }).path);
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      const message = new TrpcBodyTooLarge(signedIn, limit).message;
      return reply.code(413).send(restErrorBody('PAYLOAD_TOO_LARGE', message, 'body'));
    }
  });
  app.addHook('preParsing', async (req, _reply, payload) => {
    const trpc = isTrpcRoute(req);
    if (trpc && req.method === 'POST') {
      // A tRPC client without batching sends an input-less mutation (auth.signOut) as a JSON
      // POST with no body; the tRPC adapter would fail to parse the empty string: it reads `{}`.
      const length = req.headers['content-length'];
      if (
        req.headers['transfer-encoding'] === undefined &&
        (length === undefined || length === '0')
      ) {
        delete req.headers['content-length'];
        return Readable.from([Buffer.from('{}')]);
      }
      const signedIn = Boolean(req.trpcSession);
      const limit = trpcBodyLimit(signedIn, (req.params as { path?: string }).path);
      if (limit < BODY_LIMIT_BYTES)
        payload = capped(payload, limit, () => new TrpcBodyTooLarge(signedIn, limit));
    }
    // JSON bodies of tRPC and the REST API are checked as they arrive, before anything parses
    // them (V8's JSON.parse and every recursive walk after it slow down with depth): from its
    // first byte past the limits a hostile body is only read and dropped, then refused.
    if (!trpc && !req.routeOptions.url?.startsWith('/v1/')) return payload;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return payload;
    return jsonLimited(payload, jsonLimitsOf(req), BODY_LIMIT_BYTES);
  });
  // tRPC parses `?input=` itself: the same check runs on it first.
  app.addHook('preValidation', async (req, reply) => {
    if (!isTrpcRoute(req)) return;
    const input = ((req.query ?? {}) as { input?: unknown }).input;
    if (typeof input !== 'string') return;
    const problem = jsonLimitProblem(input, jsonLimitsOf(req));
    if (problem) return reply.code(400).send(trpcLimitError(req, problem, 'The input in the URL'));
  });
  const caches: Caches = {
    evaluators: new EvaluatorCache(database.db),
    apiKeys: new ApiKeyCache(database.db),
  };
  app.decorate('caches', caches);
  const signInThrottle = new SignInThrottle(database.db);
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error instanceof JsonLimitError && isTrpcRoute(req))
      return reply.code(400).send(trpcLimitError(req, error.problem, 'The request body'));
    if (error instanceof JsonLimitError)
      return reply
        .code(400)
        .send(
          restErrorBody(
            'BAD_REQUEST',
            `${error.message} (at byte ${error.problem.offset})`,
            'body',
          ),
        );
    const status = error.statusCode ?? 500;
    const code: RestErrorCode =
      status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : status === 429
          ? 'TOO_MANY_REQUESTS'
          : status >= 400 && status < 500
            ? 'BAD_REQUEST'
            : 'INTERNAL_SERVER_ERROR';
    if (code === 'INTERNAL_SERVER_ERROR') req.log.error(error);
    const message =
      error instanceof TrpcBodyTooLarge
        ? error.message
        : code === 'PAYLOAD_TOO_LARGE'
          ? `The request body is larger than the limit of ${BODY_LIMIT_BYTES} bytes.`
          : code === 'INTERNAL_SERVER_ERROR'
            ? 'Something went wrong on our side.'
            : error.message;
    return reply
      .code(STATUS_OF[code])
      .send(restErrorBody(code, message, code === 'BAD_REQUEST' ? 'body' : ''));
  });

  app.decorate('readiness', readiness);
  registerHealthRoutes(app, { database, readiness });

  const createContext = async ({
    req,
    res,
  }: {
    req: Context['req'] & object;
    res: Context['res'] & object;
  }): Promise<Context> => {
    const found =
      req.trpcSession !== undefined ? req.trpcSession : await sessionFromRequest(database.db, req);
    return {
      db: database.db,
      dbKind: database.kind,
      env,
      caches,
      signInThrottle,
      user: found?.user ?? null,
      sessionHash: found?.sessionHash ?? null,
      req,
      res,
    };
  };
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext,
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          app.log.error({ path, err: error }, 'tRPC error');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  app.get('/v1/openapi.json', async () => openApiDocument());
  await registerEvaluateRoute(app, {
    ...caches,
    db: database.db,
    rateLimits: {
      perKey: env.ACCORD_RATE_LIMIT_PER_KEY,
      perAddress: env.ACCORD_RATE_LIMIT_PER_ADDRESS,
    },
  });
  await registerLeadSetUpload(app, { database, env, caches, signInThrottle });

  // Shared drafts: one per workflow in memory while people edit it, relayed between instances.
  const drafts = new SharedDrafts(database.db, { log: app.log });
  useSharedDrafts(database.db, drafts);
  await drafts.startRelay(database);
  await registerCollabSocket(app, {
    db: database.db,
    drafts,
    onRefused: (reason) => app.metrics.countCollabRefused(reason),
  });
  app.addHook('onClose', () => drafts.closeAll());

  await serveWebApp(app, env.ACCORD_WEB_DIST);
  return app;
}

async function serveWebApp(app: FastifyInstance, dist: string) {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/plain')
        .send('The web app is not built yet: run `npm run build` (npm start does it for you).'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: dist, wildcard: false, index: 'index.html' });
  app.setNotFoundHandler((req, reply) => {
    const isApi =
      req.url.startsWith('/trpc') ||
      req.url.startsWith('/v1') ||
      req.url.startsWith('/collab') ||
      req.url.startsWith('/healthz') ||
      req.url.startsWith('/readyz');
    if (req.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url}`, path: '' },
    });
  });
}
