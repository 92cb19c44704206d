import { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AccordDatabase } from '@accord/db';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { SignInThrottle } from './auth/sign-in-throttle';
import type { Env } from './env';
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

export interface ServerDeps {
  database: AccordDatabase;
  env: Env;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The REST caches; mutations invalidate them (see Context.caches). */
    caches: Caches;
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
  // tRPC mutations take JSON only: a cross-site form (urlencoded, multipart, text/plain) can
  // neither reach them (CSRF) nor make the adapter fail on a body it does not parse.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST' || !req.url.startsWith('/trpc')) return;
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
  });
  // A tRPC client without batching sends an input-less mutation (auth.signOut) as a JSON POST
  // with no body; the tRPC adapter would fail to parse the empty string, so it reads as `{}`.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method !== 'POST' || !req.url.startsWith('/trpc')) return payload;
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'))
      return payload;
    delete req.headers['content-length'];
    return Readable.from([Buffer.from('{}')]);
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
      code === 'PAYLOAD_TOO_LARGE'
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
    const found = await userForSessionToken(database.db, req.cookies[SESSION_COOKIE]);
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
