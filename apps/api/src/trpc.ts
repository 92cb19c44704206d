import { formatPath } from '@accord/engine';
import type { AccordDatabase, Db, Role, User } from '@accord/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import type { SignInThrottle } from './auth/sign-in-throttle';
import type { Env } from './env';
import { ROLE_POLICY, type PolicyName } from '@accord/access';
import type { ApiKeyCache } from './rest/api-key-cache';
import type { EvaluatorCache } from './rest/evaluator-cache';
import { MAX_JSON_DEPTH } from './json-limits';

/** In-process caches the REST API reads; mutations that change what they hold invalidate them. */
export interface Caches {
  evaluators: EvaluatorCache;
  apiKeys: ApiKeyCache;
}

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

/**
 * The cause of a sign-in whose password fits accounts in several workspaces: the person names one
 * of them (`workspace`, a slug) and signs in again. Only workspaces whose account the password
 * opened are listed.
 */
export class ChooseWorkspace extends Error {
  constructor(readonly workspaces: { slug: string; name: string }[]) {
    super('This email has accounts in several workspaces: choose the one to sign in to.');
  }
}

/** The cause of a refused propose: the diagnostics `validate` found. */
export class InvalidWorkflow extends Error {
  constructor(readonly diagnostics: unknown[]) {
    super('The workflow has errors.');
  }
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
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
        requestId: ctx?.req?.id,
        conflict: cause instanceof DraftConflict ? cause.conflict : undefined,
        diagnostics: cause instanceof InvalidWorkflow ? cause.diagnostics : undefined,
        workspaces: cause instanceof ChooseWorkspace ? cause.workspaces : undefined,
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

/**
 * Whether a string can be stored: no NUL character and no unpaired UTF-16 surrogate (json/jsonb
 * refuse those). `isWellFormed` is a linear scan, with no regular expression.
 */
function storable(text: string): boolean {
  return !text.includes('\u0000') && (text as WellFormedCheck).isWellFormed();
}
/** `String.prototype.isWellFormed` (Node 20; the ES2024 lib this project does not load yet). */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** What is wrong with an input before any procedure reads it, and where. */
export interface InputProblem {
  path: string;
  message: string;
}

/**
 * The first string in an input PostgreSQL cannot store (a NUL character or an unpaired surrogate),
 * or the first place nested deeper than `MAX_JSON_DEPTH`; null when there is none. Iterative and
 * linear in the size of the input: each value is visited once and holds only a link to its
 * parent, and a path is spelled out only for the one value reported.
 */
export function inputProblem(value: unknown): InputProblem | null {
  interface Item {
    value: unknown;
    key: string | number | null;
    parent: Item | null;
    depth: number;
  }
  const pathOf = (item: Item) => {
    const parts: (string | number)[] = [];
    for (let at: Item | null = item; at && at.key !== null; at = at.parent) parts.push(at.key);
    return formatPath(parts.reverse()) || 'input';
  };
  const unstorable = (item: Item): InputProblem => ({
    path: pathOf(item),
    message: `${pathOf(item)} contains text that cannot be stored (a NUL character or an unpaired surrogate).`,
  });
  const stack: Item[] = [{ value, key: null, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const current = item.value;
    if (typeof current === 'string') {
      if (!storable(current)) return unstorable(item);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (item.depth >= MAX_JSON_DEPTH)
      return {
        path: pathOf(item),
        message: `${pathOf(item)} is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      };
    const depth = item.depth + 1;
    // Pushed in reverse, so the first problem in reading order is the one reported.
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push({ value: current[i], key: i, parent: item, depth });
    } else {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const child: Item = {
          value: (current as Record<string, unknown>)[key],
          key,
          parent: item,
          depth,
        };
        if (!storable(key)) return unstorable(child);
        stack.push(child);
      }
    }
  }
  return null;
}

/** Where in an input the first string PostgreSQL cannot store sits, or null (see `inputProblem`). */
export function unstorableTextPath(value: unknown): string | null {
  return inputProblem(value)?.path ?? null;
}

/** PostgreSQL refuses text it cannot store (a NUL character): the input is bad, not the server. */
const UNSTORABLE_TEXT = new Set(['22P05', '22021']);

/**
 * Refuses an input with text PostgreSQL cannot store or nested too deep (BAD_REQUEST naming the
 * path), and turns the database's refusal of unstorable text, anywhere in a procedure, into
 * BAD_REQUEST. Protected procedures run it only after the session and role checks.
 */
const checkedInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = inputProblem(await getRawInput());
  if (problem) throw new TRPCError({ code: 'BAD_REQUEST', message: problem.message });
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
export const publicProcedure = t.procedure.use(checkedInput);

/**
 * A procedure open only to signed-in users holding one of `roles` (or the roles ROLE_POLICY
 * gives a procedure name); the server enforces it.
 * @example protectedProcedure('versions.approve').mutation(...)
 */
export function protectedProcedure(roles: readonly Role[] | PolicyName) {
  const allowed = typeof roles === 'string' ? ROLE_POLICY[roles] : roles;
  // Session and role first: nobody who may not call a procedure makes the server read its input.
  return t.procedure
    .use(({ ctx, next }) => {
      if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
      if (!allowed.includes(ctx.user.role)) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `This needs one of the roles ${allowed.join(', ')}; you are ${ctx.user.role}.`,
        });
      }
      return next({ ctx: { ...ctx, user: ctx.user } });
    })
    .use(checkedInput);
}
