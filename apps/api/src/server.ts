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
import { jsonLimitProblem, MAX_JSON_DEPTH } from './json-limits';
import { ApiKeyCache } from './rest/api-key-cache';
import { registerEvaluateRoute } from './rest/evaluate-route';
import { registerLeadSetUpload } from './rest/lead-set-upload';
import { EvaluatorCache } from './rest/evaluator-cache';
import { openApiDocument } from './rest/openapi';
import { restErrorBody, STATUS_OF, type RestErrorCode } from './rest/rest-error';
import { appRouter, type AppRouter } from './root';
import { SESSION_COOKIE, userForSessionToken, type Caches, type Context } from './trpc';

/** Largest request body the API accepts (tRPC and REST); bigger ones get 413. */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/**
 * Largest tRPC body from a caller without a session: the public procedures (sign-in, sign-out)
 * take a few hundred bytes, so nobody signed out makes the server read megabytes.
 */
export const ANONYMOUS_BODY_LIMIT_BYTES = 64 * 1024;
/**
 * Longest string in a JSON body of the REST API (a lead's values, a CRM field each). tRPC bodies
 * have no such cap: `leadSets.import` takes a file's text up to the body limit, and every
 * procedure caps its own fields once the caller is known.
 */
export const MAX_REST_STRING_LENGTH = 1024 * 1024;

/** A tRPC body from a caller without a session grew past ANONYMOUS_BODY_LIMIT_BYTES. */
class AnonymousBodyTooLarge extends Error {
  readonly statusCode = 413;
  constructor() {
    super(
      `Without a session a request body may have at most ${ANONYMOUS_BODY_LIMIT_BYTES} bytes; sign in first.`,
    );
  }
}

/** Passes a body through and fails it once it passes `limit` bytes. */
function capped(payload: NodeJS.ReadableStream, limit: number): Transform {
  let bytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > limit ? new AnonymousBodyTooLarge() : null, chunk);
    },
  });
  payload.on('error', (error) => out.destroy(error));
  return payload.pipe(out);
}

/**
 * Whether a request was routed to tRPC. Judged on the route Fastify matched (its router decodes
 * the path), never on the raw URL: `/%74rpc/auth.signOut` reaches tRPC too.
 */
const isTrpcRoute = (req: FastifyRequest) => req.routeOptions.url?.startsWith('/trpc/') === true;

export interface ServerDeps {
  database: AccordDatabase;
  env: Env;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The REST caches; mutations invalidate them (see Context.caches). */
    caches: Caches;
  }
  interface FastifyRequest {
    /** The session of a tRPC request, looked up before its body is read; null when signed out. */
    trpcSession?: Awaited<ReturnType<typeof userForSessionToken>>;
  }
}

export type AccordServer = FastifyInstance;

/**
 * Wires Fastify: tRPC at /trpc, /healthz, and the built web app at / with client-side routes
 * falling back to index.html.
 * @example const app = await buildServer({ database, env }); await app.listen({ port: 3000 });
 */
export async function buildServer({ database, env }: ServerDeps): Promise<AccordServer> {
  const app = Fastify({
    logger: env.LOG_LEVEL === 'silent' ? false : { level: env.LOG_LEVEL },
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 500 },
    // A URL Fastify cannot decode (e.g. a lone surrogate) answers like every other REST error.
    frameworkErrors: (error, _req, reply) =>
      void (reply as FastifyReply)
        .code(400)
        .send(restErrorBody('BAD_REQUEST', error.message, 'url')),
  });
  await app.register(fastifyCookie);
  // REST JSON bodies: depth and string lengths are checked before the parse (V8's JSON.parse and
  // every recursive walk after it slow down with depth), then Fastify's own parser runs.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string; // parseAs: 'string'
    const problem = jsonLimitProblem(text, {
      maxDepth: MAX_JSON_DEPTH,
      maxStringLength: MAX_REST_STRING_LENGTH,
    });
    if (problem) {
      done(
        Object.assign(new Error(`${problem.message} (at character ${problem.offset})`), {
          statusCode: 400,
        }),
      );
      return;
    }
    parseJson(req, text, done);
  });
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
    // The session before the body: a signed-out caller's body is capped before it is read.
    req.trpcSession = await userForSessionToken(database.db, req.cookies[SESSION_COOKIE]);
    const length = Number(req.headers['content-length'] ?? 0);
    if (!req.trpcSession && length > ANONYMOUS_BODY_LIMIT_BYTES) {
      return reply
        .code(413)
        .send(restErrorBody('PAYLOAD_TOO_LARGE', new AnonymousBodyTooLarge().message, 'body'));
    }
  });
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST' || !isTrpcRoute(req)) return payload;
    // A tRPC client without batching sends an input-less mutation (auth.signOut) as a JSON POST
    // with no body; the tRPC adapter would fail to parse the empty string, so it reads as `{}`.
    const length = req.headers['content-length'];
    if (
      req.headers['transfer-encoding'] === undefined &&
      (length === undefined || length === '0')
    ) {
      delete req.headers['content-length'];
      return Readable.from([Buffer.from('{}')]);
    }
    return req.trpcSession ? payload : capped(payload, ANONYMOUS_BODY_LIMIT_BYTES);
  });
  // tRPC parses its own JSON (body or `?input=`): the same depth check runs before it does (one
  // level more for a batch's envelope `{"0": input}`), answered as tRPC answers a bad input.
  app.addHook('preValidation', async (req, reply) => {
    if (!isTrpcRoute(req)) return;
    const query = (req.query ?? {}) as { input?: unknown; batch?: unknown };
    const envelope = query.batch === undefined ? 0 : 1;
    for (const [text, where] of [
      [req.body, 'The request body'],
      [query.input, 'The input in the URL'],
    ] as const) {
      if (typeof text !== 'string') continue;
      const problem = jsonLimitProblem(text, {
        maxDepth: MAX_JSON_DEPTH + envelope,
        maxStringLength: BODY_LIMIT_BYTES,
      });
      if (problem) {
        const levels = `nested deeper than ${MAX_JSON_DEPTH} levels`;
        return reply.code(400).send({
          error: {
            message: `${where} is ${levels}.`,
            code: -32600,
            data: {
              code: 'BAD_REQUEST',
              httpStatus: 400,
              path: (req.params as { path?: string }).path,
            },
          },
        });
      }
    }
  });
  const caches: Caches = {
    evaluators: new EvaluatorCache(database.db),
    apiKeys: new ApiKeyCache(database.db),
  };
  app.decorate('caches', caches);
  const signInThrottle = new SignInThrottle(database.db);
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
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
      error instanceof AnonymousBodyTooLarge
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

  app.get('/healthz', async () => ({ status: 'ok', db: database.kind }));

  const createContext = async ({
    req,
    res,
  }: {
    req: Context['req'] & object;
    res: Context['res'] & object;
  }): Promise<Context> => {
    const found =
      req.trpcSession !== undefined
        ? req.trpcSession
        : await userForSessionToken(database.db, req.cookies[SESSION_COOKIE]);
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
      req.url.startsWith('/trpc') || req.url.startsWith('/v1') || req.url.startsWith('/healthz');
    if (req.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return reply.code(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url}`, path: '' },
    });
  });
}
