import { randomBytes } from 'node:crypto';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../auth/password';
import { hashToken, publicProcedure, SESSION_COOKIE, type Context } from '../trpc';

const SESSION_DAYS = 14;

let decoy: Promise<string> | undefined;
/** A hash of a random password, made once, checked against when the account does not exist. */
function decoyHash() {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

function findUser(db: Context['db'], email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'workspace_id', 'password_hash', 'disabled_at'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export const authRouter = {
  /** Signs in with email and password; a fresh session token every time (no fixation). */
  signIn: publicProcedure
    .input(
      z.object({
        email: z.string().trim().toLowerCase().email().max(320),
        password: z.string().min(1).max(1000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = Date.now();
      const key = `${input.email}|${ctx.req?.ip ?? 'local'}`;
      if (!(await ctx.signInThrottle.begin(key, now))) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many failed sign-ins; try again in 15 minutes.',
        });
      }
      let user: Awaited<ReturnType<typeof findUser>>;
      let checked: boolean;
      try {
        user = await findUser(ctx.db, input.email);
        // Unknown and disabled accounts cost one scrypt too, so timing does not reveal which emails exist.
        checked = await verifyPassword(
          input.password,
          user && !user.disabled_at ? user.password_hash : await decoyHash(),
        );
      } catch (error) {
        ctx.signInThrottle.cancel(key);
        throw error;
      }
      const ok = user && !user.disabled_at && checked;
      if (!user || !ok) {
        await ctx.signInThrottle.fail(key, now);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password.' });
      }
      await ctx.signInThrottle.succeed(key);
      if (ctx.sessionHash)
        await ctx.db.deleteFrom('sessions').where('id_hash', '=', ctx.sessionHash).execute();
      const token = randomBytes(32).toString('base64url');
      const expires = new Date(now + SESSION_DAYS * 86_400_000);
      await ctx.db
        .insertInto('sessions')
        .values({ id_hash: hashToken(token), user_id: user.id, expires_at: expires })
        .execute();
      ctx.res?.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.env.ACCORD_SECURE_COOKIES,
        path: '/',
        expires,
      });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        workspace_id: user.workspace_id,
      };
    }),

  /** Ends the current session. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionHash)
      await ctx.db.deleteFrom('sessions').where('id_hash', '=', ctx.sessionHash).execute();
    ctx.res?.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  }),

  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
} satisfies TRPCRouterRecord;
