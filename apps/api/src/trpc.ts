import type {} from '@fastify/cookie';
import { createHash } from 'node:crypto';
import type { AccordDatabase, Db, Role, User } from '@accord/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import type { SignInThrottle } from './auth/sign-in-throttle';
import type { Env } from './env';
import { ROLE_POLICY, type PolicyName } from './roles';
import type { ApiKeyCache } from './rest/api-key-cache';
import type { EvaluatorCache } from './rest/evaluator-cache';

/** In-process caches the REST API reads; mutations that change what they hold invalidate them. */
export interface Caches {
  evaluators: EvaluatorCache;
  apiKeys: ApiKeyCache;
}

export const SESSION_COOKIE = 'accord_session';

export type SessionUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'workspace_id'>;

/** What every procedure sees. `req`/`res` are absent when called through `createCaller`. */
export interface Context {
  db: Db;
  dbKind: AccordDatabase['kind'];
  env: Env;
  /** Call `caches.evaluators.invalidateWorkflow(id)` after publish/rollback commits, `caches.apiKeys.invalidate()` after a key is revoked. */
  caches: Caches;
  signInThrottle: SignInThrottle;
  user: SessionUser | null;
  sessionHash: string | null;
  req?: FastifyRequest;
  res?: FastifyReply;
}

/** SHA-256 of a secret token, as stored for sessions and API keys. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Finds the signed-in user of a session token, or null when unknown, expired or disabled. */
export async function userForSessionToken(db: Db, token: string | undefined) {
  if (!token) return null;
  const idHash = hashToken(token);
  const user = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.workspace_id'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', new Date())
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  return user ? { user, sessionHash: idHash } : null;
}

/** The cause of a CONFLICT on a stale draft save: the revision now stored and who saved it. */
export class DraftConflict extends Error {
  constructor(
    readonly conflict: {
      currentRevision: number;
      savedBy: { id: string; name: string } | null;
      savedAt: Date;
    },
  ) {
    super('The draft was saved by someone else since you loaded it.');
  }
}

/** The cause of a refused propose: the diagnostics `validate` found. */
export class InvalidWorkflow extends Error {
  constructor(readonly diagnostics: unknown[]) {
    super('The workflow has errors.');
  }
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // An unexpected failure's own message can name tables, constraints or files: keep it in
      // the server log (server.ts onError), not in the answer.
      message:
        error.code === 'INTERNAL_SERVER_ERROR'
          ? 'Something went wrong on our side.'
          : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        conflict: cause instanceof DraftConflict ? cause.conflict : undefined,
        diagnostics: cause instanceof InvalidWorkflow ? cause.diagnostics : undefined,
        issues:
          cause instanceof ZodError
            ? cause.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
            : undefined,
      },
    };
  },
});

/**
 * A date in a procedure's input that PostgreSQL can store (years 1 to 9999); other dates, which
 * JavaScript accepts, are BAD_REQUEST naming the field instead of failing in the database.
 */
export const dateInput = z.coerce
  .date()
  .refine(
    (d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999,
    'Give a date between the years 1 and 9999',
  );

/** `nodes[3].data.rows[2].points` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
    )
    .join('');
}

/**
 * Where in an input the first string PostgreSQL cannot store sits (a NUL character, or an unpaired
 * UTF-16 surrogate that json/jsonb refuse), or null.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableTextPath(value: unknown, path: (string | number)[] = []): string | null {
  if (typeof value === 'string') {
    return value.includes('\u0000') || LONE_SURROGATE.test(value)
      ? formatPath(path) || 'input'
      : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableTextPath(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found =
        unstorableTextPath(key, [...path, key]) ?? unstorableTextPath(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** PostgreSQL refuses text it cannot store (a NUL character): the input is bad, not the server. */
const UNSTORABLE_TEXT = new Set(['22P05', '22021']);

/** Turns the database's refusal of unstorable text, anywhere in a procedure, into BAD_REQUEST. */
const storableText = t.middleware(async ({ getRawInput, next }) => {
  const where = unstorableTextPath(await getRawInput());
  if (where) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${where} contains text that cannot be stored (a NUL character or an unpaired surrogate).`,
    });
  }
  const result = await next();
  if (!result.ok && UNSTORABLE_TEXT.has(String((result.error.cause as { code?: unknown })?.code)))
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Text may not contain NUL (\\u0000) characters.',
    });
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(storableText);

/**
 * A procedure open only to signed-in users holding one of `roles` (or the roles ROLE_POLICY
 * gives a procedure name); the server enforces it.
 * @example protectedProcedure('versions.approve').mutation(...)
 */
export function protectedProcedure(roles: readonly Role[] | PolicyName) {
  const allowed = typeof roles === 'string' ? ROLE_POLICY[roles] : roles;
  return publicProcedure.use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
    if (!allowed.includes(ctx.user.role)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `This needs one of the roles ${allowed.join(', ')}; you are ${ctx.user.role}.`,
      });
    }
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

/** Every role, for procedures any signed-in user may call (auditors included). */
export const ANY_ROLE: readonly Role[] = ['admin', 'marketing', 'sales', 'ops', 'auditor'];
